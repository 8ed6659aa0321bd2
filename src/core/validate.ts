/**
 * Validation of one estate state: cross-file integrity, Kontingent, cost and platform policy
 * (PRODUCT.md 3.1–3.3). Returns data, never throws for user mistakes.
 * OWNER: validation work (issue 2). Stub: signatures are fixed, the body is to be written.
 */
import type { Diagnostic } from './diagnostics.js';
import type { Estate } from './model.js';
import type { Snapshot } from './snapshot.js';

export interface ValidateParams {
  readonly estate: Estate;
  /** YYYY-MM-DD; used for Vertretung expiry warnings. */
  readonly today?: string;
}

/** Rules over a loaded estate (load diagnostics are not repeated here). */
export function validateEstate(_params: ValidateParams): Diagnostic[] {
  return [];
}

export interface ValidateSnapshotParams {
  readonly snapshot: Snapshot;
  readonly today?: string;
}

/** load + validate + render checks, diagnostics sorted. */
export function validateSnapshot(_params: ValidateSnapshotParams): { estate: import('./model.js').Estate; diagnostics: Diagnostic[] } {
  throw new Error('not implemented');
}
