/**
 * The JSON output of CONTRACTS.md: plain objects ready for JSON.stringify. Field names are a
 * contract (tools and tests depend on them): extend, never rename. Absent optional values are
 * `null`, so every record has every field.
 */
import type { ApprovalResult } from '../core/approval.js';
import type { Change, ComponentState } from '../core/changes.js';
import type { Diagnostic, Severity } from '../core/diagnostics.js';
import type { CostRow, KontingentRow } from '../core/kontingent.js';
import type { SurgeHeadroomRow } from '../core/surge-headroom.js';
import type { Plan, Validation } from '../core/plan.js';
import { findingMessage, type Locale } from '../i18n/findings.js';

export interface FindingJson {
  readonly severity: Severity;
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** JSON pointer into the document, or null when the whole file is concerned. */
  readonly path: string | null;
}

export interface ChangeJson {
  readonly verfahren: string | null;
  readonly stage: string | null;
  readonly kind: string;
  readonly components: readonly { name: string; before: ComponentState | null; after: ComponentState | null }[];
  readonly files: readonly string[];
}

export interface ValidationJson {
  readonly ok: boolean;
  readonly findings: readonly FindingJson[];
  readonly kontingent: readonly KontingentRow[];
  readonly cost: readonly CostRow[];
  /** Only where the platform reserves rollout headroom (platform.yaml rollout.surge): not in the Kontingent, not billed. */
  readonly surgeHeadroom?: readonly SurgeHeadroomRow[];
}

export interface PlanJson extends ValidationJson {
  readonly changes: readonly ChangeJson[];
  readonly approval: ApprovalResult;
  readonly emergency: boolean;
  readonly manifests: readonly { path: string; status: string; diff: string }[];
}

export interface GateJson {
  /** The merge is allowed: no finding with severity error, and every approval requirement is met. */
  readonly ok: boolean;
  /** The error findings that block the merge whatever the approvals (e.g. a skipped stage). */
  readonly findings: readonly FindingJson[];
  readonly changes: readonly ChangeJson[];
  readonly approval: ApprovalResult;
  readonly emergency: boolean;
}

export function findingJson(d: Diagnostic, locale: Locale): FindingJson {
  return { severity: d.severity, code: d.code, file: d.file, line: d.line, message: findingMessage(d, locale), path: d.path ?? null };
}

export function findingsJson(findings: readonly Diagnostic[], locale: Locale): FindingJson[] {
  return findings.map((d) => findingJson(d, locale));
}

function componentState(s: ComponentState | undefined): ComponentState | null {
  return s ? { image: s.image, size: s.size, replicas: s.replicas } : null;
}

export function changeJson(c: Change): ChangeJson {
  return {
    verfahren: c.verfahren,
    stage: c.stage,
    kind: c.kind,
    components: c.components.map((k) => ({ name: k.name, before: componentState(k.before), after: componentState(k.after) })),
    files: [...c.files],
  };
}

function approvalJson(a: ApprovalResult): ApprovalResult {
  return {
    satisfied: a.satisfied,
    requirements: a.requirements.map((r) => ({
      reason: r.reason,
      verfahren: r.verfahren,
      stage: r.stage,
      approvers: [...r.approvers],
      min: r.min,
      approvedBy: [...r.approvedBy],
      blockedBy: [...r.blockedBy],
    })),
    ...(a.contributorGaps ? { contributorGaps: a.contributorGaps.map((g) => ({ ...g })) } : {}),
  };
}

const kontingentJson = (rows: readonly KontingentRow[]): KontingentRow[] =>
  rows.map((r) => ({ tenant: r.tenant, dimension: r.dimension, stage: r.stage, limit: r.limit, before: r.before, after: r.after, delta: r.delta }));

const costJson = (rows: readonly CostRow[]): CostRow[] =>
  rows.map((r) => ({ tenant: r.tenant, before: r.before, after: r.after, delta: r.delta, budget: r.budget }));

const surgeJson = (rows: readonly SurgeHeadroomRow[] | undefined): { surgeHeadroom?: SurgeHeadroomRow[] } =>
  rows && rows.length > 0 ? { surgeHeadroom: rows.map((r) => ({ tenant: r.tenant, stage: r.stage, dimension: r.dimension, before: r.before, after: r.after, delta: r.delta })) } : {};

/** `freigabe validate --format json`. */
export function validationToJson(v: Validation, locale: Locale): ValidationJson {
  return { ok: v.ok, findings: findingsJson(v.findings, locale), kontingent: kontingentJson(v.kontingent), cost: costJson(v.cost), ...surgeJson(v.surgeHeadroom) };
}

/** `freigabe plan --format json`: the contract's fields, plus `emergency` and the manifest diffs. */
export function planToJson(plan: Plan, locale: Locale): PlanJson {
  return {
    ok: plan.ok,
    findings: findingsJson(plan.findings, locale),
    changes: plan.changes.map(changeJson),
    kontingent: kontingentJson(plan.kontingent),
    cost: costJson(plan.cost),
    ...surgeJson(plan.surgeHeadroom),
    approval: approvalJson(plan.approval),
    emergency: plan.emergency,
    manifests: plan.manifests.map((m) => ({ path: m.path, status: m.status, diff: m.diff })),
  };
}

/**
 * planToJson's text in pieces: everything but the manifests at once, then one manifest diff
 * per piece — valid JSON when joined, without one string of the whole (a first rollout's diff
 * is tens of megabytes). Each added or removed file's diff is made as its piece is, and is
 * garbage once written (see ManifestDiff.diff).
 */
export function* planJsonChunks(plan: Plan, locale: Locale): Generator<string> {
  const { manifests: _omitted, ...rest } = planToJson({ ...plan, manifests: [] }, locale);
  const head = JSON.stringify(rest, null, 2);
  yield `${head.slice(0, head.lastIndexOf('\n}'))},\n  "manifests": [`;
  let first = true;
  for (const m of plan.manifests) {
    yield `${first ? '' : ','}\n    ${JSON.stringify({ path: m.path, status: m.status, diff: m.diff })}`;
    first = false;
  }
  yield `${first ? '' : '\n  '}]\n}\n`;
}

/** `freigabe gate --format json`: the decision, `ok` = every requirement met. */
export function gateToJson(plan: Plan, locale: Locale): GateJson {
  return {
    ok: gateAllows(plan),
    findings: findingsJson(blockingFindings(plan), locale),
    changes: plan.changes.map(changeJson),
    approval: approvalJson(plan.approval),
    emergency: plan.emergency,
  };
}

/** Findings that no approval can outweigh. */
export function blockingFindings(plan: Plan): Diagnostic[] {
  return plan.findings.filter((d) => d.severity === 'error');
}

/** The gate's decision: approvals alone never release an estate with errors. */
export function gateAllows(plan: Plan): boolean {
  return plan.ok && plan.approval.satisfied;
}
