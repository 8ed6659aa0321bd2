/**
 * Stage order (PRODUCT.md 3.4): an image enters stage N only after it ran in stage N-1 on the
 * base. A `notfall` label turns violations into marked emergency changes.
 * OWNER: gate work (issue 3). Stub: signatures are fixed, the body is to be written.
 */
import type { Change } from './changes.js';
import type { Diagnostic } from './diagnostics.js';
import type { Estate } from './model.js';

export interface StageOrderParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  readonly labels?: readonly string[];
}

export interface StageOrderResult {
  readonly diagnostics: Diagnostic[];
  /** True when the pull request is an emergency change that skipped the order. */
  readonly emergency: boolean;
}

export function checkStageOrder(_params: StageOrderParams): StageOrderResult {
  return { diagnostics: [], emergency: false };
}
