/**
 * Kontingent and cost: usage per tenant over all Fachverfahren and stages (and per stage),
 * monthly cost, the findings when a tenant goes over (or near) its Kontingent, its per-stage
 * ceilings or its budget, and the before/after tables a plan reports (PRODUCT.md 3.2).
 *
 * Everything is exact: millicores, bytes and cents as bigint. Values that do not parse are
 * skipped here; integrity.ts reports them as `quantity-out-of-range`.
 */
import { cmp, diagnostic, type Diagnostic } from './diagnostics.js';
import type { BookingDocument, Estate, Located, TenantDocument } from './model.js';
import { bytesToGiBCeil, formatDimension, parseBytes, parseCpu, parseMoney, type Dimension } from './quantity.js';

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

export const RESOURCE_DIMENSIONS: readonly ResourceDimension[] = ['cpu', 'memory', 'storage'];
const ALL_DIMENSIONS: readonly Dimension[] = ['cpu', 'memory', 'storage', 'budgetPerMonth'];

/** Per replica, parsed once per estate. */
interface SizePrice {
  readonly cpu?: bigint;
  readonly memory?: bigint;
  readonly priceCents?: bigint;
}

export interface Catalog {
  readonly sizes: ReadonlyMap<string, SizePrice>;
  /** Cents per GiB and month; undefined when the price does not parse. */
  readonly storageClasses: ReadonlyMap<string, bigint | undefined>;
  readonly stages: ReadonlySet<string>;
}

/**
 * Catalogs by platform document. Parsed documents are never changed, and a long-running caller
 * (the GitHub app) reuses them between evaluations while their bytes stay the same (ParseCache),
 * so an unchanged platform.yaml keeps its catalog — and every booking its contributions.
 */
const catalogMemo = new WeakMap<object, Catalog>();

/** The platform's sizes, storage prices and stage names, parsed once per platform document. */
export function catalogOf(estate: Estate): Catalog {
  const platform = estate.platform?.data;
  if (!platform) return parseCatalog(estate);
  let catalog = catalogMemo.get(platform);
  if (!catalog) {
    catalog = parseCatalog(estate);
    catalogMemo.set(platform, catalog);
  }
  return catalog;
}

function parseCatalog(estate: Estate): Catalog {
  const spec = estate.platform?.data.spec;
  const sizes = new Map<string, SizePrice>();
  const storageClasses = new Map<string, bigint | undefined>();
  for (const [name, s] of Object.entries(spec?.sizes ?? {})) {
    sizes.set(name, { cpu: parseCpu(s.cpu), memory: parseBytes(s.memory), priceCents: parseMoney(s.pricePerMonth) });
  }
  for (const [name, c] of Object.entries(spec?.storageClasses ?? {})) storageClasses.set(name, parseMoney(c.pricePerGiBMonth));
  return { sizes, storageClasses, stages: new Set((spec?.stages ?? []).map((s) => s.name)) };
}

/**
 * What one component of one booking adds to its tenant's usage, and where in the booking the
 * amount is written (for findings).
 */
export interface Contribution {
  readonly tenant: string;
  readonly verfahren: string;
  readonly stage: string;
  readonly component: string;
  readonly file: string;
  readonly index: number;
  readonly cpu: bigint;
  readonly memory: bigint;
  readonly storage: bigint;
  readonly costCents: bigint;
  /** Pointer of the volume size that adds most storage (when the component has volumes). */
  readonly storagePointer?: string;
}

/**
 * One contribution per component of every booking that counts: the Fachverfahren's
 * verfahren.yaml is valid, its tenant exists and the stage is one of the platform's. Bookings
 * outside these are findings of their own (integrity) and run nowhere, so they cost nothing.
 *
 * cpu/memory = replicas × size; storage = Σ volumes × replicas, because every StatefulSet
 * replica gets its own PersistentVolumeClaim; cost = replicas × size price + Σ volume GiB
 * (each volume rounded up to a whole GiB) × class price × replicas.
 */
export function contributions(estate: Estate, catalog: Catalog = catalogOf(estate)): Contribution[] {
  const out: Contribution[] = [];
  for (const entry of estate.verfahren.values()) {
    const tenant = entry.doc?.data.spec.tenant;
    if (tenant === undefined || !estate.tenants.has(tenant)) continue;
    for (const [stage, booking] of entry.bookings) {
      if (!catalog.stages.has(stage)) continue;
      const known = bookingMemo.get(booking.data);
      if (known && known.catalog === catalog && known.tenant === tenant && known.verfahren === entry.name && known.stage === stage && known.file === booking.file) {
        for (const c of known.items) out.push(c);
        continue;
      }
      const items = bookingContributions({ tenant, verfahren: entry.name, stage, booking, catalog });
      bookingMemo.set(booking.data, { catalog, tenant, verfahren: entry.name, stage, file: booking.file, items });
      for (const c of items) out.push(c);
    }
  }
  return out;
}

/** A booking's contributions, with everything they were computed from (a booking document may move). */
const bookingMemo = new WeakMap<object, { catalog: Catalog; tenant: string; verfahren: string; stage: string; file: string; items: readonly Contribution[] }>();

function bookingContributions(params: { tenant: string; verfahren: string; stage: string; booking: Located<BookingDocument>; catalog: Catalog }): Contribution[] {
  const { tenant, stage, booking, catalog } = params;
  const out: Contribution[] = [];
  booking.data.spec.components.forEach((c, index) => {
    const replicas = BigInt(c.replicas);
    const size = catalog.sizes.get(c.size);
    let storage = 0n;
    let volumeCents = 0n;
    let largest = -1n;
    let storagePointer: string | undefined;
    (c.volumes ?? []).forEach((v, j) => {
      const bytes = parseBytes(v.size);
      if (bytes === undefined) return;
      storage += bytes * replicas;
      const price = catalog.storageClasses.get(v.class);
      if (price !== undefined) volumeCents += bytesToGiBCeil(bytes) * price * replicas;
      if (bytes > largest) {
        largest = bytes;
        storagePointer = `/spec/components/${index}/volumes/${j}/size`;
      }
    });
    out.push({
      tenant,
      verfahren: params.verfahren,
      stage,
      component: c.name,
      file: booking.file,
      index,
      cpu: (size?.cpu ?? 0n) * replicas,
      memory: (size?.memory ?? 0n) * replicas,
      storage,
      costCents: (size?.priceCents ?? 0n) * replicas + volumeCents,
      ...(storagePointer !== undefined ? { storagePointer } : {}),
    });
  });
  return out;
}

const zero = (): Record<ResourceDimension, bigint> => ({ cpu: 0n, memory: 0n, storage: 0n });

function usageFrom(items: readonly Contribution[]): Map<string, Usage> {
  const acc = new Map<string, { total: Record<ResourceDimension, bigint>; byStage: Map<string, Record<ResourceDimension, bigint>>; costCents: bigint }>();
  for (const c of items) {
    let u = acc.get(c.tenant);
    if (!u) {
      u = { total: zero(), byStage: new Map(), costCents: 0n };
      acc.set(c.tenant, u);
    }
    let s = u.byStage.get(c.stage);
    if (!s) {
      s = zero();
      u.byStage.set(c.stage, s);
    }
    for (const d of RESOURCE_DIMENSIONS) {
      u.total[d] += c[d];
      s[d] += c[d];
    }
    u.costCents += c.costCents;
  }
  return acc;
}

/** Estates are immutable once loaded, so their usage is computed once (plan asks for it per table). */
const usageMemo = new WeakMap<Estate, ReadonlyMap<string, Usage>>();

/** Usage of every tenant that has a tenant file (zero when nothing is booked). */
export function tenantUsage(estate: Estate): ReadonlyMap<string, Usage> {
  const known = usageMemo.get(estate);
  if (known) return known;
  const usage = usageFrom(contributions(estate));
  const out = new Map<string, Usage>();
  for (const name of [...estate.tenants.keys()].sort()) {
    out.set(name, usage.get(name) ?? { total: zero(), byStage: new Map(), costCents: 0n });
  }
  usageMemo.set(estate, out);
  return out;
}

/** A tenant's limits, parsed; undefined where a value does not parse (reported elsewhere). */
interface Limits {
  readonly total: Partial<Record<Dimension, bigint>>;
  readonly stages: ReadonlyMap<string, Partial<Record<ResourceDimension, bigint>>>;
}

function limitsOf(tenant: Located<TenantDocument>): Limits {
  const k = tenant.data.spec.kontingent;
  const stages = new Map<string, Partial<Record<ResourceDimension, bigint>>>();
  for (const [stage, ceiling] of Object.entries(tenant.data.spec.stages ?? {})) {
    stages.set(stage, {
      ...(ceiling.cpu !== undefined ? { cpu: parseCpu(ceiling.cpu) } : {}),
      ...(ceiling.memory !== undefined ? { memory: parseBytes(ceiling.memory) } : {}),
      ...(ceiling.storage !== undefined ? { storage: parseBytes(ceiling.storage) } : {}),
    });
  }
  return {
    total: { cpu: parseCpu(k.cpu), memory: parseBytes(k.memory), storage: parseBytes(k.storage), budgetPerMonth: parseMoney(k.budgetPerMonth) },
    stages,
  };
}

/** Share of the limit from which a `kontingent-near-limit` warning is given. */
export const NEAR_LIMIT_PERCENT = 90n;

function amountOf(c: Contribution, dimension: Dimension): bigint {
  return dimension === 'budgetPerMonth' ? c.costCents : c[dimension];
}

/**
 * The contribution a finding about `dimension` is reported on.
 *
 * Why a booking line and not the tenant's kontingent line: findings become annotations on
 * the pull request, and a change that goes over a Kontingent is a change to bookings — the
 * tenant file is rarely part of it. Of all bookings, the largest contributor is the one whose
 * reduction helps most, and choosing it (ties: file, then component order) keeps the finding
 * stable whatever order the rules run in. The tenant file is named in the params.
 */
function largestContributor(items: readonly Contribution[], dimension: Dimension): Contribution | undefined {
  let best: Contribution | undefined;
  for (const c of items) {
    const amount = amountOf(c, dimension);
    if (amount === 0n) continue;
    if (!best) {
      best = c;
      continue;
    }
    const bestAmount = amountOf(best, dimension);
    if (amount > bestAmount || (amount === bestAmount && (cmp(c.file, best.file) || c.index - best.index) < 0)) best = c;
  }
  return best;
}

function reportAt(estate: Estate, c: Contribution, dimension: Dimension): { file: string; line: number; path: string } {
  const booking = estate.verfahren.get(c.verfahren)?.bookings.get(c.stage);
  const path = dimension === 'storage' && c.storagePointer !== undefined ? c.storagePointer : `/spec/components/${c.index}/replicas`;
  return { file: c.file, line: booking ? booking.lines.lineOf(path) : 1, path };
}

interface Check {
  readonly tenant: Located<TenantDocument>;
  readonly dimension: Dimension;
  readonly stage?: string;
  readonly used: bigint;
  readonly limit: bigint | undefined;
  readonly items: readonly Contribution[];
}

function checkOne(estate: Estate, check: Check, out: Diagnostic[]): void {
  const { tenant, dimension, stage, used, limit, items } = check;
  if (limit === undefined || used === 0n) return;
  const exceeded = used > limit;
  const near = !exceeded && used * 100n >= limit * NEAR_LIMIT_PERCENT;
  if (!exceeded && !near) return;
  const at = largestContributor(items, dimension);
  if (!at) return;
  const name = tenant.data.metadata.name;
  const params = {
    tenant: name,
    dimension,
    after: formatDimension(dimension, used),
    limit: formatDimension(dimension, limit),
    tenantFile: tenant.file,
    ...(stage !== undefined ? { stage } : {}),
  };
  if (near) {
    const percent = Number((used * 100n) / limit);
    out.push(diagnostic('kontingent-near-limit', { ...reportAt(estate, at, dimension), params: { ...params, percent } }));
    return;
  }
  const code = stage !== undefined ? 'stage-ceiling-exceeded' : dimension === 'budgetPerMonth' ? 'budget-exceeded' : 'kontingent-exceeded';
  out.push(diagnostic(code, { ...reportAt(estate, at, dimension), params }));
}

/**
 * `kontingent-exceeded`, `stage-ceiling-exceeded`, `budget-exceeded` and (from 90 %)
 * `kontingent-near-limit` for every tenant.
 */
export function checkKontingent(estate: Estate, catalog: Catalog = catalogOf(estate)): Diagnostic[] {
  const all = contributions(estate, catalog);
  const byTenant = new Map<string, Contribution[]>();
  for (const c of all) {
    const list = byTenant.get(c.tenant);
    if (list) list.push(c);
    else byTenant.set(c.tenant, [c]);
  }
  const usage = usageFrom(all);
  const out: Diagnostic[] = [];
  for (const [name, tenant] of estate.tenants) {
    const items = byTenant.get(name) ?? [];
    const u = usage.get(name);
    if (!u) continue;
    const limits = limitsOf(tenant);
    for (const d of RESOURCE_DIMENSIONS) checkOne(estate, { tenant, dimension: d, used: u.total[d], limit: limits.total[d], items }, out);
    checkOne(estate, { tenant, dimension: 'budgetPerMonth', used: u.costCents, limit: limits.total.budgetPerMonth, items }, out);
    for (const [stage, ceiling] of limits.stages) {
      const used = u.byStage.get(stage);
      if (!used) continue;
      const inStage = items.filter((c) => c.stage === stage);
      for (const d of RESOURCE_DIMENSIONS) {
        if (ceiling[d] === undefined) continue;
        checkOne(estate, { tenant, dimension: d, stage, used: used[d], limit: ceiling[d], items: inStage }, out);
      }
    }
  }
  return out;
}

export interface TableParams {
  readonly base: Estate;
  readonly head: Estate;
  /** Tenants to report (those the change touches), sorted by the callee. */
  readonly tenants: readonly string[];
}

function stageOrder(estate: Estate): Map<string, number> {
  return new Map((estate.platform?.data.spec.stages ?? []).map((s, i) => [s.name, i]));
}

function totalOf(u: Usage | undefined, d: Dimension): bigint {
  if (!u) return 0n;
  return d === 'budgetPerMonth' ? u.costCents : u.total[d];
}

function row(tenant: string, dimension: Dimension, stage: string | null, limit: bigint | undefined, before: bigint, after: bigint): KontingentRow {
  return {
    tenant,
    dimension,
    stage,
    // A limit that does not parse is reported as a finding; the table shows it as unknown.
    limit: limit === undefined ? '' : formatDimension(dimension, limit),
    before: formatDimension(dimension, before),
    after: formatDimension(dimension, after),
    delta: formatDimension(dimension, after - before),
  };
}

/**
 * Per tenant: cpu, memory, storage and budgetPerMonth over all stages, then every per-stage
 * ceiling in platform stage order (cpu, memory, storage each where set). Limits come from
 * the head state (the base when the tenant was deleted). Rows also when nothing changed.
 */
export function kontingentTable(params: TableParams): KontingentRow[] {
  const before = tenantUsage(params.base);
  const after = tenantUsage(params.head);
  const order = stageOrder(params.head.platform ? params.head : params.base);
  const rows: KontingentRow[] = [];
  for (const name of [...new Set(params.tenants)].sort()) {
    const tenant = params.head.tenants.get(name) ?? params.base.tenants.get(name);
    if (!tenant) continue;
    const limits = limitsOf(tenant);
    const b = before.get(name);
    const a = after.get(name);
    for (const d of ALL_DIMENSIONS) rows.push(row(name, d, null, limits.total[d], totalOf(b, d), totalOf(a, d)));
    const stages = [...limits.stages.keys()].sort((x, y) => (order.get(x) ?? Infinity) - (order.get(y) ?? Infinity) || cmp(x, y));
    for (const stage of stages) {
      const ceiling = limits.stages.get(stage)!;
      for (const d of RESOURCE_DIMENSIONS) {
        if (!(d in ceiling)) continue;
        rows.push(row(name, d, stage, ceiling[d], b?.byStage.get(stage)?.[d] ?? 0n, a?.byStage.get(stage)?.[d] ?? 0n));
      }
    }
  }
  return rows;
}

/** Monthly cost per tenant, before and after, against its budget. */
export function costTable(params: TableParams): CostRow[] {
  const before = tenantUsage(params.base);
  const after = tenantUsage(params.head);
  const rows: CostRow[] = [];
  for (const name of [...new Set(params.tenants)].sort()) {
    const tenant = params.head.tenants.get(name) ?? params.base.tenants.get(name);
    if (!tenant) continue;
    const budget = parseMoney(tenant.data.spec.kontingent.budgetPerMonth);
    const b = before.get(name)?.costCents ?? 0n;
    const a = after.get(name)?.costCents ?? 0n;
    rows.push({
      tenant: name,
      before: formatDimension('budgetPerMonth', b),
      after: formatDimension('budgetPerMonth', a),
      delta: formatDimension('budgetPerMonth', a - b),
      budget: budget === undefined ? '' : formatDimension('budgetPerMonth', budget),
    });
  }
  return rows;
}
