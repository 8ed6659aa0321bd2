/**
 * Kontingent and cost: usage per tenant over all Fachverfahren and stages (and per stage),
 * monthly cost, and the before/after table a plan reports.
 * OWNER: validation work (issue 2). Stub: signatures are fixed, the body is to be written.
 */
import type { Estate } from './model.js';
import type { Dimension } from './quantity.js';

export type ResourceDimension = Exclude<Dimension, 'budgetPerMonth'>;

export interface Usage {
  readonly total: Readonly<Record<ResourceDimension, bigint>>;
  readonly byStage: ReadonlyMap<string, Readonly<Record<ResourceDimension, bigint>>>;
  /** Monthly cost in cents. */
  readonly costCents: bigint;
}

/** One row of the Kontingent table (CONTRACTS.md): quantities as exact strings. */
export interface KontingentRow {
  readonly tenant: string;
  readonly dimension: Dimension;
  /** null for the Kontingent over all stages, else the stage of a per-stage ceiling. */
  readonly stage: string | null;
  readonly limit: string;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
}

export interface CostRow {
  readonly tenant: string;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
  readonly budget: string;
}

export function tenantUsage(_estate: Estate): Map<string, Usage> {
  return new Map();
}

export interface TableParams {
  readonly base: Estate;
  readonly head: Estate;
  /** Tenants to report (those the change touches), sorted by the callee. */
  readonly tenants: readonly string[];
}

export function kontingentTable(_params: TableParams): KontingentRow[] {
  return [];
}

export function costTable(_params: TableParams): CostRow[] {
  return [];
}
