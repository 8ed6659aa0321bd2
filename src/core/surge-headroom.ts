/**
 * Surge headroom (platform.yaml `rollout.surge: headroom`): the room a ResourceQuota keeps for
 * one more pod of the largest Deployment of a Fachverfahren in a stage, so a rollout can start
 * the new pod before it removes an old one. It is reserved in the cluster but is not part of the
 * Kontingent and not billed (the surge pod only lives during a rollout); plans show it beside
 * the Kontingent as what it is, per tenant and stage.
 */
import type { Component, Estate } from './model.js';
import { catalogOf } from './kontingent.js';
import { surgeHeadroom } from './network.js';
import { formatBytes, formatCpu } from './quantity.js';

export interface PodSize {
  readonly cpu: bigint;
  readonly memory: bigint;
}

/** One pod of the largest Deployment (per dimension), or null when nothing can surge (StatefulSets only, 0 replicas). */
export function bookingHeadroom(components: readonly Component[], sizeOf: (size: string) => PodSize | undefined): PodSize | null {
  let cpu = -1n;
  let memory = -1n;
  for (const c of components) {
    if ((c.volumes ?? []).length > 0 || c.replicas < 1) continue;
    const size = sizeOf(c.size);
    if (!size) continue;
    if (size.cpu > cpu) cpu = size.cpu;
    if (size.memory > memory) memory = size.memory;
  }
  return cpu < 0n ? null : { cpu, memory };
}

export type HeadroomDimension = 'cpu' | 'memory' | 'pods';

/** One row of the surge-headroom table: like a Kontingent row, without a limit (it counts against none). */
export interface SurgeHeadroomRow {
  readonly tenant: string;
  readonly stage: string;
  readonly dimension: HeadroomDimension;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
}

type Sums = Record<HeadroomDimension, bigint>;

/** tenant → stage → headroom summed over its Fachverfahren. */
function headroomOf(estate: Estate): Map<string, Map<string, Sums>> {
  const out = new Map<string, Map<string, Sums>>();
  const spec = estate.platform?.data.spec;
  if (!spec) return out;
  const catalog = catalogOf(estate);
  const sizeOf = (name: string): PodSize | undefined => {
    const s = catalog.sizes.get(name);
    return s?.cpu !== undefined && s.memory !== undefined ? { cpu: s.cpu, memory: s.memory } : undefined;
  };
  for (const entry of estate.verfahren.values()) {
    const tenant = entry.doc?.data.spec.tenant;
    if (tenant === undefined || !estate.tenants.has(tenant)) continue;
    for (const [stageName, booking] of entry.bookings) {
      const stage = spec.stages.find((s) => s.name === stageName);
      if (!stage || !surgeHeadroom(spec, stage)) continue;
      const h = bookingHeadroom(booking.data.spec.components, sizeOf);
      if (!h) continue;
      let byStage = out.get(tenant);
      if (!byStage) out.set(tenant, (byStage = new Map()));
      const sums = byStage.get(stageName) ?? { cpu: 0n, memory: 0n, pods: 0n };
      byStage.set(stageName, { cpu: sums.cpu + h.cpu, memory: sums.memory + h.memory, pods: sums.pods + 1n });
    }
  }
  return out;
}

const FORMAT: Record<HeadroomDimension, (v: bigint) => string> = { cpu: formatCpu, memory: formatBytes, pods: (v) => v.toString() };

export interface SurgeTableParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly tenants: readonly string[];
}

/** Headroom before and after, per touched tenant and stage; only where there is some. */
export function surgeHeadroomTable(params: SurgeTableParams): SurgeHeadroomRow[] {
  const before = headroomOf(params.base);
  const after = headroomOf(params.head);
  const order = (params.head.platform ?? params.base.platform)?.data.spec.stages.map((s) => s.name) ?? [];
  const rows: SurgeHeadroomRow[] = [];
  for (const tenant of [...new Set(params.tenants)].sort()) {
    const b = before.get(tenant);
    const a = after.get(tenant);
    const stages = [...new Set([...(b?.keys() ?? []), ...(a?.keys() ?? [])])].sort((x, y) => order.indexOf(x) - order.indexOf(y) || (x < y ? -1 : 1));
    for (const stage of stages) {
      for (const dimension of ['cpu', 'memory', 'pods'] as const) {
        const x = b?.get(stage)?.[dimension] ?? 0n;
        const y = a?.get(stage)?.[dimension] ?? 0n;
        rows.push({ tenant, stage, dimension, before: FORMAT[dimension](x), after: FORMAT[dimension](y), delta: (y < x ? '-' : '') + FORMAT[dimension](y < x ? x - y : y - x) });
      }
    }
  }
  return rows;
}
