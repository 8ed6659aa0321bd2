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
import { runSteps, runStepsInSlices } from './slices.js';
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
  'networkpolicy-allow-egress.yaml.hbs',
  'serviceaccount.yaml.hbs',
] as const;
const COMPONENT_TEMPLATES = ['workload.yaml.hbs', 'service.yaml.hbs', 'ingress.yaml.hbs', 'httproute.yaml.hbs', 'poddisruptionbudget.yaml.hbs'] as const;
const BOOTSTRAP_TEMPLATES = ['argocd-applicationset.yaml.hbs', 'flux-gitrepository.yaml.hbs', 'flux-kustomization.yaml.hbs'] as const;

function wantsDirectoryTemplate(name: (typeof DIRECTORY_TEMPLATES)[number], model: DirectoryModel): boolean {
  switch (name) {
    case 'networkpolicy-allow-ingress.yaml.hbs':
      return model.network.components.length > 0;
    case 'networkpolicy-allow-egress.yaml.hbs':
      return model.egress.restricted;
    default:
      return true;
  }
}

function wantsComponentTemplate(name: (typeof COMPONENT_TEMPLATES)[number], c: ComponentModel, model: DirectoryModel): boolean {
  switch (name) {
    case 'workload.yaml.hbs':
      return true;
    case 'service.yaml.hbs':
      return c.port !== null;
    case 'ingress.yaml.hbs':
      return c.ingress !== null && model.traffic.mode === 'ingress';
    case 'httproute.yaml.hbs':
      return c.ingress !== null && model.traffic.mode === 'gateway';
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
  private readonly seen = new Set<string>();
  /** `sameAs` groups findings that say the same thing (e.g. one broken override in every directory). */
  add(code: FindingCode, file: string, line: number, params: DiagnosticParams, path?: string, sameAs?: DiagnosticParams): void {
    const d = diagnostic(code, { file, line, params, ...(path !== undefined ? { path } : {}) });
    const key = JSON.stringify([d.code, d.file, d.line, d.path, sameAs ?? d.params]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
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

export function renderEstate(params: RenderParams): RenderResult {
  return runSteps(renderSteps(params));
}

/**
 * The same render in slices (src/core/slices.ts): `pause` runs after every `sliceMs` of work,
 * between directories. The GitHub app publishes with it.
 */
export function renderEstateInSlices(params: RenderParams, pause: () => Promise<void>, sliceMs?: number, now?: () => number): Promise<RenderResult> {
  return runStepsInSlices(renderSteps(params), pause, sliceMs, now);
}

/** renderEstate as a generator: it yields after each directory. */
function* renderSteps(params: RenderParams): Generator<void, RenderResult> {
  const { estate } = params;
  const findings = new Findings();
  const files = new Map<string, string>();
  const platform = estate.platform?.data;
  if (!platform) return { files, diagnostics: [] };

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

  const facts = estateFacts(estate);
  const wanted = params.stages ? new Set(params.stages) : undefined;
  const stages = platform.spec.stages.filter((s) => !wanted || wanted.has(s.name));
  const verfahren = [...estate.verfahren.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const stage of stages) {
    const rendered: string[] = [];
    for (const entry of verfahren) {
      const doc = entry.doc;
      const booking = entry.bookings.get(stage.name);
      if (!doc || !booking) continue;
      // A Fachverfahren not rendered this time is still part of the stage when it could be rendered.
      const skipped = params.verfahren !== undefined && !params.verfahren.has(entry.name);
      const directoryParams = { facts, verfahren: doc, booking, stage };
      const outcome = skipped ? checkDirectory(directoryParams) : directoryModel(directoryParams);
      if (outcome && !outcome.ok) {
        if (outcome.problem) {
          findings.add('render-invalid-object', booking.file, booking.lines.lineOf(outcome.problem.path), { kind: 'Namespace', name: entry.name, reason: outcome.problem.reason }, outcome.problem.path);
        }
        continue;
      }
      if (!outcome) {
        rendered.push(entry.name);
        continue;
      }
      const dir = renderDirectory(outcome.model, booking.file, booking.lines.lineOf.bind(booking.lines), template, findings);
      if (!dir) continue;
      rendered.push(entry.name);
      for (const [file, text] of dir) files.set(`${stage.name}/${entry.name}/${file}`, text);
      yield;
    }
    files.set(`${stage.name}/kustomization.yaml`, kustomization(rendered));

    const bootstrap = bootstrapModel(estate, stage, params.repoURL);
    for (const name of BOOTSTRAP_TEMPLATES) {
      const t = template(name);
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
      if (wantsComponentTemplate(name, component, model)) add(renderObject(template(name), context, scope, origin, findings), origin);
    }
  }
  if (failed) return undefined;
  out.set('kustomization.yaml', kustomization([...out.keys()]));
  return out;
}
