/**
 * plan: base state + head state → everything a pull request changes (CONTRACTS.md JSON):
 * the findings of the head, the changes per Fachverfahren and stage, the Kontingent and cost
 * tables of the touched tenants, the required approvals (policy from the base) and the diff of
 * the rendered manifests of the touched Fachverfahren.
 *
 * Pure: snapshots in, data out. The GitHub app and the CLI both call it; the renderers in
 * src/report turn the result into text, Markdown or JSON.
 *
 * Cost model: a pull request usually touches one Fachverfahren of hundreds. Files whose bytes
 * are equal in base and head are parsed once (ParseCache), and only the Fachverfahren whose
 * render inputs changed are rendered — so a small change costs a fraction of a full plan.
 */
import { approvalRequirements, decideApproval, type ApprovalResult, type PullCommit, type Review } from './approval.js';
import { computeChanges, type Change } from './changes.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { costTable, kontingentTable, type CostRow, type KontingentRow } from './kontingent.js';
import { loadEstate, type ParseCache } from './load.js';
import { diffManifests, type ManifestDiff } from './manifest-diff.js';
import { SETTINGS_FILE, type Estate } from './model.js';
import { bindApprovals } from './approval-binding.js';
import { freezeDiagnostics } from './freeze.js';
import { checkStageOrder } from './promotion.js';
import { renderEstate } from './render.js';
import type { Snapshot } from './snapshot.js';
import { validateEstate, validateSnapshot } from './validate.js';
import { surgeHeadroomTable, type SurgeHeadroomRow } from './surge-headroom.js';

export type { ManifestDiff } from './manifest-diff.js';

export interface Plan {
  readonly ok: boolean;
  readonly findings: readonly Diagnostic[];
  readonly changes: readonly Change[];
  readonly kontingent: readonly KontingentRow[];
  readonly cost: readonly CostRow[];
  /** Quota headroom for rollout surge pods (platform opt-in): reserved, not in the Kontingent, not billed. */
  readonly surgeHeadroom?: readonly SurgeHeadroomRow[];
  readonly approval: ApprovalResult;
  readonly manifests: readonly ManifestDiff[];
  /** Emergency change (label `notfall` and a skipped stage order). */
  readonly emergency: boolean;
  /** The stages in promotion order with their (German) titles, from the head (else the base) platform. */
  readonly stages: readonly StageTitle[];
}

export interface StageTitle {
  readonly name: string;
  readonly title: string;
}

/** The review state of a pull request; with it, `plan` decides the approval instead of only listing requirements. */
export interface PlanReview {
  readonly author: string;
  readonly headSha: string;
  readonly reviews: readonly Review[];
  readonly commits?: readonly PullCommit[];
  /** "org/team" → member logins. */
  readonly teams?: Readonly<Record<string, readonly string[]>>;
  /**
   * The repository at older reviewed commits (lower-case SHA → snapshot): an approval given
   * there still counts when the content it approved is unchanged (approval-binding.ts).
   */
  readonly reviewed?: ReadonlyMap<string, Snapshot>;
  /** Four-eyes inputs beyond the commits (see GateParams in approval.ts). */
  readonly commitCount?: number;
  readonly pushers?: readonly string[];
  readonly pushersUnknown?: boolean;
  readonly promotionRequesters?: readonly string[];
  readonly dismissedChangeRequests?: readonly number[];
}

export interface PlanParams {
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly labels?: readonly string[];
  /** YYYY-MM-DD */
  readonly today: string;
  /** The instant of the evaluation (ISO-8601 with offset, or a Date) for Änderungsstopp windows; without it the whole `today` (Berlin) counts. */
  readonly now?: string | Date;
  readonly locale?: 'de' | 'en';
  /** When given, `approval` is the decision over these reviews (decideApproval), else the requirements only. */
  readonly review?: PlanReview;
  /** Render and diff manifests (default true); the approval gate alone does not need them. */
  readonly manifests?: boolean;
  /**
   * Parse results to reuse and fill (default: a fresh one per plan). A long-running caller (the
   * GitHub app) may keep one per repository: a file parses again only when its bytes change.
   */
  readonly parseCache?: ParseCache;
}

/** What a change touches, from the files that differ between base and head. */
export interface TouchedScope {
  /** Every Fachverfahren's render inputs changed (platform.yaml, templates, settings). */
  readonly all: boolean;
  /** Fachverfahren (directory names) whose own files, or whose tenant's file, changed. */
  readonly verfahren: ReadonlySet<string>;
  /** Tenants whose usage, Kontingent or prices may differ; sorted. */
  readonly tenants: readonly string[];
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function changedPaths(base: ReadonlyMap<string, Uint8Array>, head: ReadonlyMap<string, Uint8Array>): string[] {
  const out: string[] = [];
  for (const [path, bytes] of head) if (!sameBytes(base.get(path), bytes)) out.push(path);
  for (const path of base.keys()) if (!head.has(path)) out.push(path);
  return out.sort();
}

function tenantOf(estate: Estate, verfahren: string): string | undefined {
  return estate.verfahren.get(verfahren)?.doc?.data.spec.tenant;
}

/** Which Fachverfahren and tenants a pull request touches (their render inputs or usage may differ). */
export function touchedScope(params: { base: Estate; head: Estate; baseSnapshot: Snapshot; headSnapshot: Snapshot }): TouchedScope {
  const { base, head } = params;
  const settingsChanged =
    !sameBytes(params.baseSnapshot.files.get(SETTINGS_FILE), params.headSnapshot.files.get(SETTINGS_FILE)) ||
    !sameBytes(params.baseSnapshot.files.get('.github/freigabe.yaml'), params.headSnapshot.files.get('.github/freigabe.yaml')) ||
    base.settings.root !== head.settings.root ||
    base.settings.templates !== head.settings.templates;
  // A changed root or templates directory moves every input: treat everything as touched.
  let all = settingsChanged;
  const verfahren = new Set<string>();
  const tenantFiles = new Set<string>();
  const root = `${head.settings.root}/`;
  const templates = `${head.settings.templates}/`;
  for (const path of all ? [] : changedPaths(base.files, head.files)) {
    if (path.startsWith(templates) || path === `${root}platform.yaml`) {
      all = true;
    } else if (path.startsWith(root)) {
      const parts = path.slice(root.length).split('/');
      if (parts[0] === 'verfahren' && parts.length === 3) verfahren.add(parts[1]);
      else if (parts[0] === 'tenants' && parts.length === 2 && parts[1].endsWith('.yaml')) tenantFiles.add(parts[1].slice(0, -'.yaml'.length));
    }
  }
  const tenants = new Set<string>(tenantFiles);
  for (const estate of [base, head]) {
    for (const [name] of estate.verfahren) {
      const tenant = tenantOf(estate, name);
      if (all || (tenant !== undefined && tenantFiles.has(tenant))) verfahren.add(name);
    }
    if (all) for (const t of estate.tenants.keys()) tenants.add(t);
  }
  for (const name of verfahren) {
    for (const estate of [base, head]) {
      const tenant = tenantOf(estate, name);
      if (tenant !== undefined) tenants.add(tenant);
    }
  }
  if (all) for (const estate of [base, head]) for (const name of estate.verfahren.keys()) verfahren.add(name);
  return { all, verfahren, tenants: [...tenants].sort() };
}

/**
 * What a pull request from base to head changes. Findings are those of the head state (load,
 * validation, stage order, rendering of the touched Fachverfahren): a pull request must not
 * merge a broken estate, whoever broke it. `ok` means no finding of severity error; whether
 * the approvals are complete is `approval.satisfied`.
 */
export function plan(params: PlanParams): Plan {
  const { labels = [], today, locale = 'de' } = params;

  // 1. load both states; files equal in base and head are parsed once
  const cache: ParseCache = params.parseCache ?? new Map();
  const base = loadEstate({ snapshot: params.base, cache }).value;
  const headLoad = loadEstate({ snapshot: params.head, cache });
  const head = headLoad.value;

  // 2. evaluate the head
  const findings: Diagnostic[] = [...headLoad.diagnostics, ...validateEstate({ estate: head, today })];
  const changes = computeChanges({ base, head });
  const order = checkStageOrder({ base, head, changes, labels });
  findings.push(...order.diagnostics);
  const clock = { today, ...(params.now !== undefined ? { now: params.now } : {}) };
  findings.push(...freezeDiagnostics({ base, head, changes, labels, ...clock }));

  // 3. Kontingent and cost of the tenants the change touches
  const scope = touchedScope({ base, head, baseSnapshot: params.base, headSnapshot: params.head });
  const kontingent = kontingentTable({ base, head, tenants: scope.tenants });
  const cost = costTable({ base, head, tenants: scope.tenants });
  const surgeHeadroom = surgeHeadroomTable({ base, head, tenants: scope.tenants });

  // 4. approvals, policy from the base
  const requirements = { base, head, changes, labels, locale, ...clock };
  const reviewed = params.review?.reviewed;
  const binding = reviewed && reviewed.size > 0 ? bindApprovals({ base, head, changes, reviewed, parseCache: cache }) : undefined;
  const approval = params.review ? decideApproval({ ...requirements, ...params.review, ...(binding ? { binding } : {}) }) : approvalRequirements(requirements);

  // 5. rendered manifests of the touched Fachverfahren only
  let manifests: ManifestDiff[] = [];
  if (params.manifests !== false && scope.verfahren.size > 0) {
    const before = renderEstate({ estate: base, verfahren: scope.verfahren });
    const after = renderEstate({ estate: head, verfahren: scope.verfahren });
    findings.push(...after.diagnostics);
    manifests = diffManifests(before.files, after.files);
  }

  const sorted = dedupe(sortDiagnostics(findings));
  return { ok: !hasErrors(sorted), findings: sorted, changes, kontingent, cost, surgeHeadroom, approval, manifests, emergency: order.emergency || (approval.emergency ?? false), stages: stageTitles(head, base) };
}

function stageTitles(...estates: Estate[]): StageTitle[] {
  const platform = estates.find((e) => e.platform)?.platform;
  return platform?.data.spec.stages.map((s) => ({ name: s.name, title: s.title })) ?? [];
}

/** The result of `validate` (CONTRACTS.md: the plan object without changes and approval). */
export interface Validation {
  readonly ok: boolean;
  readonly findings: readonly Diagnostic[];
  /** Every tenant's usage against its Kontingent (before = after: one state). */
  readonly kontingent: readonly KontingentRow[];
  readonly cost: readonly CostRow[];
  readonly surgeHeadroom?: readonly SurgeHeadroomRow[];
  readonly stages: readonly StageTitle[];
}

export interface ValidationParams {
  readonly snapshot: Snapshot;
  /** YYYY-MM-DD */
  readonly today?: string;
}

/** Checks one state: load, validation and render checks, and the usage of every tenant. */
export function validation(params: ValidationParams): Validation {
  const { estate, diagnostics } = validateSnapshot({ snapshot: params.snapshot, today: params.today });
  const findings = dedupe(sortDiagnostics(diagnostics));
  const tenants = [...estate.tenants.keys()].sort();
  return {
    ok: !hasErrors(findings),
    findings,
    kontingent: kontingentTable({ base: estate, head: estate, tenants }),
    cost: costTable({ base: estate, head: estate, tenants }),
    surgeHeadroom: surgeHeadroomTable({ base: estate, head: estate, tenants }),
    stages: stageTitles(estate),
  };
}

/** Rules may see the same problem from two sides (e.g. validation and rendering); report it once. */
function dedupe(sorted: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let last = '';
  for (const d of sorted) {
    const key = `${d.file}\0${d.line}\0${d.code}\0${d.path ?? ''}\0${JSON.stringify(d.params)}`;
    if (key !== last) out.push(d);
    last = key;
  }
  return out;
}
