/**
 * plan: base state + head state → everything a pull request changes (CONTRACTS.md JSON).
 * OWNER: plan/CLI work (issue 2). Stub: signatures are fixed, the body is to be written.
 */
import type { ApprovalResult } from './approval.js';
import type { Change } from './changes.js';
import type { Diagnostic } from './diagnostics.js';
import type { CostRow, KontingentRow } from './kontingent.js';
import type { Snapshot } from './snapshot.js';

export interface ManifestDiff {
  /** '<stage>/<verfahren>/<file>.yaml' */
  readonly path: string;
  readonly status: 'added' | 'removed' | 'modified';
  /** Unified diff text. */
  readonly diff: string;
}

export interface Plan {
  readonly ok: boolean;
  readonly findings: readonly Diagnostic[];
  readonly changes: readonly Change[];
  readonly kontingent: readonly KontingentRow[];
  readonly cost: readonly CostRow[];
  readonly approval: ApprovalResult;
  readonly manifests: readonly ManifestDiff[];
  /** Emergency change (label `notfall` and a skipped stage order). */
  readonly emergency: boolean;
}

export interface PlanParams {
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly labels?: readonly string[];
  /** YYYY-MM-DD */
  readonly today: string;
  readonly locale?: 'de' | 'en';
}

export function plan(_params: PlanParams): Plan {
  throw new Error('not implemented');
}
