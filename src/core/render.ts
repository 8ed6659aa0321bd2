/**
 * Rendering: estate → Kubernetes manifests per stage and Fachverfahren, through our own strict
 * Handlebars instance with YAML-safe helpers; every document parsed back and validated.
 *
 * Layout of one stage (the content of its rendered branch, see CONTRACTS.md):
 *   <stage>/kustomization.yaml              lists every Fachverfahren directory (Flux applies it)
 *   <stage>/<verfahren>/kustomization.yaml  lists the files beside it; `kubectl kustomize` builds it
 *   <stage>/<verfahren>/<kind>-<name>.yaml  one object per file
 *   <stage>/_bootstrap/*.yaml               Argo CD ApplicationSet, Flux GitRepository + Kustomization
 *
 * Each template renders exactly one object. Its text is parsed back, the object checked against
 * the allow-list of kinds and the Kubernetes schema of its kind, and written in canonical form
 * (sorted keys), so the output depends on nothing but the estate. A directory is written whole or
 * not at all: when any of its objects fails, the directory is left out and a Diagnostic says why.
 */
import { diagnostic, type Diagnostic, type FindingCode, type DiagnosticParams } from './diagnostics.js';
import type { Estate, Stage } from './model.js';
import { builtinTemplates } from './generated/builtin-templates.js';
import { compileTemplate, renderTemplate, TemplateError, type CompiledTemplate } from './render-templates.js';
import { checkDirectory, directoryModel, estateFacts, stageModel, type ComponentModel, type DirectoryModel } from './render-model.js';
import { emitYaml } from './yaml-safe.js';
import { BOOTSTRAP_KINDS, WORKLOAD_KINDS, checkObject, type ObjectScope } from './k8s-validate.js';

export interface RenderParams {
  readonly estate: Estate;
  /** Only these stages (default: all). */
  readonly stages?: readonly string[];
  /** Only these Fachverfahren (default: all); bootstrap objects are rendered regardless. */
  readonly verfahren?: ReadonlySet<string>;
  /** Git URL of the repository holding the rendered branches, for the bootstrap objects. */
  readonly repoURL?: string;
  /**
   * Another thread that renders some of the Fachverfahren directories of the same estate with
   * the same parameters (the CLI's worker, src/cli/render-assist.ts). The output is the same
   * with or without it.
   */
  readonly assist?: RenderAssist;
}

/**
 * Work sharing between this thread and a helper. The directories to render are numbered in
 * render order (stage by stage, Fachverfahren by name); each thread claims the next unclaimed
 * number until none is left, so neither waits for the other while work remains.
 */
export interface RenderAssist {
  /** Starts the helper on `count` directories; undefined: this thread renders alone. */
  start(count: number): AssistSession | undefined;
}

export interface AssistSession {
  /** The next unclaimed directory, or -1 when every one is claimed. */
  claim(): number;
  /** After this thread's last claim: the outcomes of the directories the helper claimed. */
  finish(): ReadonlyMap<number, DirectoryOutcome>;
}

/** What rendering one Fachverfahren directory of one stage gave; plain data, so it can cross threads. */
export interface DirectoryOutcome {
  /** Listed in the stage's kustomization.yaml. */
  readonly listed: boolean;
  /** Rendered files ('<kind>-<name>.yaml', 'kustomization.yaml'); absent when not rendered this time or failed. */
  readonly files?: readonly (readonly [string, string])[];
  /** Findings with their dedupe keys (see Findings). */
  readonly findings: readonly (readonly [string, Diagnostic])[];
}

export interface RenderResult {
  /** '<stage>/<verfahren>/<file>.yaml' and '<stage>/_bootstrap/<file>.yaml' → YAML text. Sorted keys. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: Diagnostic[];
}

/** Used when neither the caller nor the settings name the repository of the rendered branches. */
export const PLACEHOLDER_REPO_URL = 'https://git.example.invalid/CHANGE-ME/rendered-manifests.git';
export const BOOTSTRAP_DIR = '_bootstrap';
export const ARGOCD_NAMESPACE = 'argocd';
export const FLUX_NAMESPACE = 'flux-system';

/** Templates rendered once per Fachverfahren and stage, and which of them a component needs. */
const DIRECTORY_TEMPLATES = [
  'namespace.yaml.hbs',
  'resourcequota.yaml.hbs',
  'limitrange.yaml.hbs',
  'networkpolicy-default-deny.yaml.hbs',
  'networkpolicy-allow-ingress.yaml.hbs',
  'serviceaccount.yaml.hbs',
] as const;
const COMPONENT_TEMPLATES = ['workload.yaml.hbs', 'service.yaml.hbs', 'ingress.yaml.hbs', 'poddisruptionbudget.yaml.hbs'] as const;
const BOOTSTRAP_TEMPLATES = ['argocd-applicationset.yaml.hbs', 'flux-gitrepository.yaml.hbs', 'flux-kustomization.yaml.hbs'] as const;

function wantsDirectoryTemplate(name: (typeof DIRECTORY_TEMPLATES)[number], model: DirectoryModel): boolean {
  return name !== 'networkpolicy-allow-ingress.yaml.hbs' || model.network.components.length > 0;
}

function wantsComponentTemplate(name: (typeof COMPONENT_TEMPLATES)[number], c: ComponentModel): boolean {
  switch (name) {
    case 'workload.yaml.hbs':
      return true;
    case 'service.yaml.hbs':
      return c.port !== null;
    case 'ingress.yaml.hbs':
      return c.ingress !== null;
    case 'poddisruptionbudget.yaml.hbs':
      return c.replicas > 1;
  }
}

interface Template {
  readonly name: string;
  /** The file findings about this template point at. */
  readonly file: string;
  readonly override: boolean;
  readonly compiled: CompiledTemplate | TemplateError;
}

/** Collects diagnostics once each: a broken template fails the same way in every directory. */
class Findings {
  readonly list: Diagnostic[] = [];
  /** Each finding with its key, for merging into another Findings (adopt). */
  readonly keyed: [string, Diagnostic][] = [];
  private readonly seen = new Set<string>();
  /** `sameAs` groups findings that say the same thing (e.g. one broken override in every directory). */
  add(code: FindingCode, file: string, line: number, params: DiagnosticParams, path?: string, sameAs?: DiagnosticParams): void {
    const d = diagnostic(code, { file, line, params, ...(path !== undefined ? { path } : {}) });
    this.adopt([[JSON.stringify([d.code, d.file, d.line, d.path, sameAs ?? d.params]), d]]);
  }
  adopt(entries: readonly (readonly [string, Diagnostic])[]): void {
    for (const [key, d] of entries) {
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(d);
      this.keyed.push([key, d]);
    }
  }
}

interface Origin {
  /** Booking file and line of the component, for findings caused by booking data. */
  readonly file: string;
  /**
   * The line, asked for only when there is a finding: resolving a JSON pointer to a line may
   * re-read the booking with positions, which for every component of a large estate cost more
   * than rendering it.
   */
  readonly line: () => number;
  readonly path?: string;
}

const firstLine = (): number => 1;

interface RenderedObject {
  readonly object: Record<string, unknown>;
  /** Canonical YAML of the object. */
  readonly text: string;
}

/** Renders one template to one validated object, or records why not. */
function renderObject(template: Template, context: object, scope: ObjectScope, origin: Origin, findings: Findings): RenderedObject | undefined {
  if (template.compiled instanceof TemplateError) {
    findings.add('template-error', template.file, template.compiled.line, { template: template.name, reason: template.compiled.message });
    return undefined;
  }
  const parsed = renderTemplate(template.compiled, context);
  if (parsed instanceof TemplateError) {
    findings.add('template-error', template.file, parsed.line, { template: template.name, reason: parsed.message });
    return undefined;
  }
  if (parsed.documents === undefined) {
    findings.add('template-error', template.file, 1, { template: template.name, reason: `output is not YAML: ${(parsed.parseError ?? '').split('\n')[0]}` });
    return undefined;
  }
  if (parsed.documents.length !== 1) {
    findings.add('template-error', template.file, 1, { template: template.name, reason: `emits ${parsed.documents.length} documents; a template renders exactly one object` });
    return undefined;
  }
  const doc = parsed.documents[0];
  const problem = checkObject(doc, scope, { printableChecked: parsed.printableChecked === true });
  if (problem) {
    // An override is the platform's responsibility; a built-in template only fails on booking data.
    const { code, ...params } = problem;
    if (template.override) {
      const { kind, reason } = { reason: '', ...params };
      findings.add(code, template.file, 1, { ...params, template: template.name }, undefined, { kind, reason });
    } else {
      findings.add(code, origin.file, origin.line(), { ...params, template: template.name }, origin.path);
    }
    return undefined;
  }
  return { object: doc as Record<string, unknown>, text: parsed.canonical ?? emitYaml(doc) };
}

function objectFileName(obj: Record<string, unknown>): string {
  const name = (obj.metadata as { name: string }).name;
  return `${String(obj.kind).toLowerCase()}-${name}.yaml`;
}

function kustomization(resources: readonly string[]): string {
  return emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() });
}

interface BootstrapModel {
  readonly stage: DirectoryModel['stage'];
  readonly bootstrap: {
    readonly name: string;
    readonly repoURL: string;
    readonly revision: string;
    readonly directories: string;
    readonly excludeDirectory: string;
    readonly argoNamespace: string;
    readonly fluxNamespace: string;
    readonly argo: { readonly applicationName: string; readonly namespace: string; readonly verfahren: string; readonly path: string; readonly project: string };
    readonly flux: { readonly path: string };
  };
}

function bootstrapModel(estate: Estate, stage: Stage, repoURL: string | undefined): BootstrapModel {
  const { branchPrefix, repository, branch } = estate.settings.output;
  // A deploy repository holds every stage as a directory on its configured branch; otherwise each
  // stage is the root of its own branch.
  const dir = repository ? `${stage.name}/` : '';
  return {
    stage: stageModel(stage),
    bootstrap: {
      name: `freigabe-${stage.name}`,
      repoURL: repoURL ?? (repository ? `https://github.com/${repository}.git` : PLACEHOLDER_REPO_URL),
      revision: repository ? branch : `${branchPrefix}${stage.name}`,
      directories: `${dir}*`,
      excludeDirectory: `${dir}${BOOTSTRAP_DIR}`,
      argoNamespace: ARGOCD_NAMESPACE,
      fluxNamespace: FLUX_NAMESPACE,
      // Go templates evaluated by the ApplicationSet controller, per generated directory.
      argo: {
        applicationName: `{{.path.basename}}-${stage.name}`,
        namespace: `{{.path.basename}}-${stage.name}`,
        verfahren: '{{.path.basename}}',
        path: '{{.path.path}}',
        project: 'default',
      },
      flux: { path: `./${dir}` },
    },
  };
}

/** One Fachverfahren directory of one stage to render; numbered by its place in this list. */
interface WorkItem {
  readonly stage: Stage;
  readonly entry: Estate['verfahren'] extends ReadonlyMap<string, infer V> ? V : never;
  /** Not asked for this time (params.verfahren): only checked, so the stage still lists it. */
  readonly skipped: boolean;
}

/** Everything a render needs besides the estate, made once per render. */
interface RenderContext {
  readonly facts: ReturnType<typeof estateFacts>;
  readonly template: (name: string) => Template;
}

function renderContext(estate: Estate): RenderContext {
  const templates = new Map<string, Template>();
  const template = (name: string): Template => {
    let t = templates.get(name);
    if (!t) {
      const override = estate.templates.get(name);
      const text = override?.text ?? builtinTemplates[name];
      if (text === undefined) throw new Error(`freigabe bug: no built-in template ${name} (run npm run generate)`);
      t = { name, file: override?.file ?? `templates/${name}`, override: override !== undefined, compiled: compileTemplate(text) };
      templates.set(name, t);
    }
    return t;
  };
  return { facts: estateFacts(estate), template };
}

function renderStages(estate: Estate, params: Pick<RenderParams, 'stages'>): Stage[] {
  const platform = estate.platform?.data;
  if (!platform) return [];
  const wanted = params.stages ? new Set(params.stages) : undefined;
  return platform.spec.stages.filter((s) => !wanted || wanted.has(s.name));
}

/** The directories of a render, in render order: the same list in every thread that renders this estate. */
function workItems(estate: Estate, params: Pick<RenderParams, 'stages' | 'verfahren'>): WorkItem[] {
  const verfahren = [...estate.verfahren.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items: WorkItem[] = [];
  for (const stage of renderStages(estate, params)) {
    for (const entry of verfahren) {
      if (!entry.doc || !entry.bookings.has(stage.name)) continue;
      items.push({ stage, entry, skipped: params.verfahren !== undefined && !params.verfahren.has(entry.name) });
    }
  }
  return items;
}

function renderItem(item: WorkItem, context: RenderContext): DirectoryOutcome {
  const findings = new Findings();
  const { stage, entry } = item;
  const booking = entry.bookings.get(stage.name)!;
  const directoryParams = { facts: context.facts, verfahren: entry.doc!, booking, stage };
  // A Fachverfahren not rendered this time is still part of the stage when it could be rendered.
  const outcome = item.skipped ? checkDirectory(directoryParams) : directoryModel(directoryParams);
  if (outcome && !outcome.ok) {
    if (outcome.problem) {
      findings.add('render-invalid-object', booking.file, booking.lines.lineOf(outcome.problem.path), { kind: 'Namespace', name: entry.name, reason: outcome.problem.reason }, outcome.problem.path);
    }
    return { listed: false, findings: findings.keyed };
  }
  if (!outcome) return { listed: true, findings: findings.keyed };
  const dir = renderDirectory(outcome.model, booking.file, booking.lines.lineOf.bind(booking.lines), context.template, findings);
  return dir ? { listed: true, files: [...dir], findings: findings.keyed } : { listed: false, findings: findings.keyed };
}

/**
 * The helper's side of RenderAssist: renders the directories `claim` hands out, for the same
 * estate and parameters as the thread that started it.
 */
export function renderClaimed(params: Omit<RenderParams, 'assist'>, claim: () => number): Map<number, DirectoryOutcome> {
  const items = workItems(params.estate, params);
  const context = renderContext(params.estate);
  const out = new Map<number, DirectoryOutcome>();
  for (let i = claim(); i >= 0 && i < items.length; i = claim()) out.set(i, renderItem(items[i], context));
  return out;
}

export function renderEstate(params: RenderParams): RenderResult {
  const { estate } = params;
  const findings = new Findings();
  const files = new Map<string, string>();
  if (!estate.platform) return { files, diagnostics: [] };
  const context = renderContext(estate);
  const items = workItems(estate, params);

  // 1. the directories, shared with the helper when there is one
  const outcomes: (DirectoryOutcome | undefined)[] = new Array(items.length);
  const session = items.length > 0 ? params.assist?.start(items.length) : undefined;
  let next = 0;
  const claim = session ? () => session.claim() : () => (next < items.length ? next++ : -1);
  for (let i = claim(); i >= 0 && i < items.length; i = claim()) outcomes[i] = renderItem(items[i], context);
  if (session) {
    for (const [i, outcome] of session.finish()) outcomes[i] = outcome;
    // Whatever the helper claimed but did not deliver (it failed or timed out) is rendered here.
    for (let k = 0; k < items.length; k++) outcomes[k] ??= renderItem(items[k], context);
  }

  // 2. each stage in order: its directories, its kustomization.yaml, its bootstrap objects
  let i = 0;
  for (const stage of renderStages(estate, params)) {
    const listed: string[] = [];
    for (; i < items.length && items[i].stage === stage; i++) {
      const outcome = outcomes[i];
      if (!outcome) throw new Error(`freigabe bug: directory ${i} of the render was never rendered`);
      findings.adopt(outcome.findings);
      if (!outcome.listed) continue;
      listed.push(items[i].entry.name);
      for (const [file, text] of outcome.files ?? []) files.set(`${stage.name}/${items[i].entry.name}/${file}`, text);
    }
    files.set(`${stage.name}/kustomization.yaml`, kustomization(listed));

    const bootstrap = bootstrapModel(estate, stage, params.repoURL);
    for (const name of BOOTSTRAP_TEMPLATES) {
      const t = context.template(name);
      const rendered = renderObject(t, bootstrap, { kinds: BOOTSTRAP_KINDS }, { file: t.file, line: firstLine }, findings);
      if (rendered) files.set(`${stage.name}/${BOOTSTRAP_DIR}/${name.replace(/\.hbs$/, '')}`, rendered.text);
    }
  }

  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, diagnostics: findings.list };
}

function renderDirectory(
  model: DirectoryModel,
  bookingFile: string,
  lineOf: (pointer: string) => number,
  template: (name: string) => Template,
  findings: Findings,
): Map<string, string> | undefined {
  const scope: ObjectScope = { kinds: WORKLOAD_KINDS, namespace: model.namespace };
  const out = new Map<string, string>();
  let failed = false;
  const add = (rendered: RenderedObject | undefined, origin: Origin) => {
    if (!rendered) {
      failed = true;
      return;
    }
    const obj = rendered.object;
    const file = objectFileName(obj);
    if (out.has(file) || file === 'kustomization.yaml') {
      findings.add('render-invalid-object', origin.file, origin.line(), { kind: String(obj.kind), name: (obj.metadata as { name: string }).name, reason: 'rendered twice in one namespace' }, origin.path);
      failed = true;
      return;
    }
    out.set(file, rendered.text);
  };
  const bookingOrigin: Origin = { file: bookingFile, line: firstLine };
  for (const name of DIRECTORY_TEMPLATES) {
    if (wantsDirectoryTemplate(name, model)) add(renderObject(template(name), model, scope, bookingOrigin, findings), bookingOrigin);
  }
  for (const component of model.components) {
    const path = `/spec/components/${component.index}`;
    const origin: Origin = { file: bookingFile, line: () => lineOf(path), path };
    const context = { ...model, component };
    for (const name of COMPONENT_TEMPLATES) {
      if (wantsComponentTemplate(name, component)) add(renderObject(template(name), context, scope, origin, findings), origin);
    }
  }
  if (failed) return undefined;
  out.set('kustomization.yaml', kustomization([...out.keys()]));
  return out;
}
