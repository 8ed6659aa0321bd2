/**
 * Validation of one estate state: cross-file integrity, Kontingent, cost and platform policy
 * (PRODUCT.md 3.1–3.3). Returns data, never throws for user mistakes.
 */
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { checkIntegrity } from './integrity.js';
import { catalogOf, checkKontingent } from './kontingent.js';
import { loadEstate } from './load.js';
import type { Estate } from './model.js';
import { checkPolicy } from './policy.js';
import type { Snapshot } from './snapshot.js';
import { renderEstate } from './render.js';
import { checkStageRoles } from './approval-roles.js';
import { checkFreezeWindows } from './freeze.js';
import { checkVertretungWindows } from './vertretung.js';

export interface ValidateParams {
  readonly estate: Estate;
  /** YYYY-MM-DD; used for Vertretung expiry warnings. */
  readonly today?: string;
}

/** Rules over a loaded estate (load diagnostics are not repeated here). Unsorted. */
export function validateEstate(params: ValidateParams): Diagnostic[] {
  const { estate } = params;
  const catalog = catalogOf(estate);
  return [
    ...checkIntegrity({ estate, ...(params.today !== undefined ? { today: params.today } : {}) }),
    ...checkKontingent(estate, catalog),
    ...checkPolicy({ estate }),
    ...checkFreezeWindows(estate),
    ...checkVertretungWindows(estate),
    ...checkStageRoles(estate),
  ];
}

export interface ValidateSnapshotParams {
  readonly snapshot: Snapshot;
  readonly today?: string;
}

/** load + validate + render checks, diagnostics sorted. */
export function validateSnapshot(params: ValidateSnapshotParams): { estate: Estate; diagnostics: Diagnostic[] } {
  const loaded = loadEstate({ snapshot: params.snapshot });
  const estate = loaded.value;
  const diagnostics = [
    ...loaded.diagnostics,
    ...validateEstate({ estate, ...(params.today !== undefined ? { today: params.today } : {}) }),
    // What only rendering finds (a broken template override, a kind outside the allow-list, an
    // object Kubernetes would reject), so that `validate` passes only what `render` accepts.
    ...renderEstate({ estate }).diagnostics,
  ];
  return { estate, diagnostics: sortDiagnostics(diagnostics) };
}
