/**
 * The dashboard's data (the JSON of `GET /freigabe/api/dashboard`, README "Dashboard"): a pure
 * function of the loaded estate, the clusters' workload statuses, the open promotion pull
 * requests and the audit trail. No I/O and no clock (`today` and `generatedAt` come in), so the
 * app and `freigabe serve` show the same thing for the same inputs.
 *
 * Kontingent and cost come from src/core/kontingent.ts's tables and who may release from
 * src/core/approval.ts, so the dashboard never disagrees with a plan or the approval check.
 */
import { verfahrenApprovers } from '../core/approval.js';
import { cmp } from '../core/diagnostics.js';
import { kontingentTable } from '../core/kontingent.js';
import type { Component, Estate } from '../core/model.js';
import { parseDimension, type Dimension } from '../core/quantity.js';
import type { AuditEntry } from '../cli/audit.js';
import type { WorkloadStatus } from '../kubernetes/workload-status.js';

/** Bumped only for incompatible changes of the JSON below (fields are only ever added). */
export const DASHBOARD_API_VERSION = 1;

/** An open pull request on `freigabe/promote/<verfahren>/<stage>`. */
export interface PromotionPullRequest {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly verfahren: string;
  readonly stage: string;
  readonly author: string | null;
  /** ISO time. */
  readonly createdAt: string;
  readonly requestedReviewers: readonly string[];
}

/** One rendered commit of the audit trail: the entries `freigabe audit --format json` prints. */
export type AuditItem = AuditEntry;

export interface DashboardInput {
  readonly estate: Estate;
  readonly statuses: readonly WorkloadStatus[];
  readonly pullRequests: readonly PromotionPullRequest[];
  readonly audit: readonly AuditItem[];
  /** YYYY-MM-DD (Europe/Berlin): decides which Vertretungen still count. */
  readonly today: string;
  /** ISO time the data was read. */
  readonly generatedAt: string;
  /** 'owner/name' in the app; null for a local checkout. */
  readonly repository: string | null;
  /** Which inputs exist at all: an empty list and "not available" read differently. */
  readonly sources: DashboardSources;
}

export interface DashboardSources {
  readonly clusters: boolean;
  readonly pullRequests: boolean;
  readonly audit: boolean;
}

export type PreviousStage = 'same' | 'different' | 'absent';

export interface ComponentView {
  readonly name: string;
  readonly image: string;
  /** The tag before any digest, or null. */
  readonly tag: string | null;
  /** `sha256:…`, or null when the image is not pinned. */
  readonly digest: string | null;
  /** Against the same component in the previous stage; null in the first stage. */
  readonly previous: PreviousStage | null;
}

export interface CellView {
  readonly stage: string;
  /** False: no booking of this Fachverfahren in this stage. */
  readonly booked: boolean;
  readonly components: readonly ComponentView[];
  /** Every component runs what the previous stage runs (true in the first stage). */
  readonly matchesPrevious: boolean;
  readonly workload: WorkloadStatus | null;
  readonly pullRequest: { readonly number: number; readonly url: string; readonly title: string } | null;
}

export interface ApproverView {
  readonly login: string;
  readonly vertretung: boolean;
  readonly until: string | null;
}

export interface VerfahrenView {
  readonly name: string;
  readonly title: string;
  readonly tenant: string;
  readonly schutzbedarf: string;
  readonly approvers: readonly ApproverView[];
  /** One per platform stage, in stage order. */
  readonly cells: readonly CellView[];
}

export type Level = 'ok' | 'warning' | 'exceeded';

export interface KontingentBar {
  readonly dimension: Dimension;
  /** null: the Kontingent over all stages; else the stage of a per-stage ceiling. */
  readonly stage: string | null;
  /** Exact strings as in the plan's Kontingent table ("24", "64Gi", "1800.00"). */
  readonly used: string;
  readonly limit: string;
  /** Whole percent, rounded down; null when the limit is unknown or zero. */
  readonly percent: number | null;
  /** `warning` from 90 % (the `kontingent-near-limit` threshold), `exceeded` above 100 %. */
  readonly level: Level;
}

export interface TenantView {
  readonly name: string;
  readonly title: string;
  readonly verfahren: number;
  readonly bars: readonly KontingentBar[];
}

export interface FreigabeItem {
  readonly verfahren: string;
  readonly stage: string;
  /** An open promotion pull request, or a stage that differs from the previous one without one. */
  readonly kind: 'pull-request' | 'promotion-pending';
  readonly pullRequest: { readonly number: number; readonly url: string; readonly title: string } | null;
  readonly approvers: readonly ApproverView[];
  /** Components whose image would change: what runs now and what the previous stage runs. */
  readonly components: readonly { readonly name: string; readonly from: string; readonly to: string }[];
}

export interface Dashboard {
  readonly apiVersion: number;
  readonly repository: string | null;
  readonly generatedAt: string;
  readonly today: string;
  readonly sources: DashboardSources;
  readonly stages: readonly { readonly name: string; readonly title: string; readonly approval: string }[];
  readonly verfahren: readonly VerfahrenView[];
  readonly tenants: readonly TenantView[];
  readonly freigaben: readonly FreigabeItem[];
  /** Logins that may release something (for the "Meine Freigaben" picker), sorted. */
  readonly people: readonly string[];
  readonly audit: readonly AuditItem[];
}

/** NEAR_LIMIT_PERCENT of src/core/kontingent.ts, as a number. */
const WARNING_PERCENT = 90;

export function splitImage(image: string): { tag: string | null; digest: string | null } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : null;
  return { tag, digest };
}

function componentsOf(estate: Estate, verfahren: string, stage: string): readonly Component[] | undefined {
  return estate.verfahren.get(verfahren)?.bookings.get(stage)?.data.spec.components;
}

function approverViews(estate: Estate, verfahren: string, today: string): ApproverView[] {
  return verfahrenApprovers(estate, verfahren, today).map((a) => ({ login: a.principal, vertretung: a.vertretung === true, until: a.until ?? null }));
}

function bars(estate: Estate, tenant: string): KontingentBar[] {
  // base = head: "after" is the current usage; the table is the one a plan prints.
  return kontingentTable({ base: estate, head: estate, tenants: [tenant] }).map((row) => {
    const used = parseDimension(row.dimension, row.after);
    const limit = row.limit === '' ? undefined : parseDimension(row.dimension, row.limit);
    const percent = used === undefined || limit === undefined || limit === 0n ? null : Number((used * 100n) / limit);
    const exceeded = used !== undefined && limit !== undefined && used > limit;
    const level: Level = exceeded ? 'exceeded' : percent !== null && percent >= WARNING_PERCENT && used !== 0n ? 'warning' : 'ok';
    return { dimension: row.dimension, stage: row.stage, used: row.after, limit: row.limit, percent, level };
  });
}

export function buildDashboard(input: DashboardInput): Dashboard {
  const { estate, today } = input;
  const stageDefs = estate.platform?.data.spec.stages ?? [];
  const stages = stageDefs.map((s) => ({ name: s.name, title: s.title, approval: s.approval }));

  const statusOf = new Map<string, WorkloadStatus>();
  for (const s of input.statuses) {
    const key = `${s.verfahren}/${s.stage}`;
    const known = statusOf.get(key);
    // Two agents for one Fachverfahren and stage: the newer observation wins.
    if (!known || s.observedAt > known.observedAt) statusOf.set(key, s);
  }
  const pullOf = new Map<string, PromotionPullRequest>();
  for (const p of [...input.pullRequests].sort((a, b) => a.number - b.number)) pullOf.set(`${p.verfahren}/${p.stage}`, p);

  const verfahren: VerfahrenView[] = [];
  const freigaben: FreigabeItem[] = [];
  const people = new Set<string>();
  const countByTenant = new Map<string, number>();

  for (const name of [...estate.verfahren.keys()].sort(cmp)) {
    const entry = estate.verfahren.get(name)!;
    const spec = entry.doc?.data.spec;
    const approvers = approverViews(estate, name, today);
    for (const a of approvers) if (!a.login.startsWith('@')) people.add(a.login);
    if (spec) countByTenant.set(spec.tenant, (countByTenant.get(spec.tenant) ?? 0) + 1);

    const cells: CellView[] = stageDefs.map((stage, i) => {
      const components = componentsOf(estate, name, stage.name);
      const before = i > 0 ? componentsOf(estate, name, stageDefs[i - 1].name) : undefined;
      const views: ComponentView[] = (components ?? []).map((c) => {
        const prev = before?.find((p) => p.name === c.name);
        return { name: c.name, image: c.image, ...splitImage(c.image), previous: i === 0 ? null : !prev ? 'absent' : prev.image === c.image ? 'same' : 'different' };
      });
      const pull = pullOf.get(`${name}/${stage.name}`);
      const pullRequest = pull ? { number: pull.number, url: pull.url, title: pull.title } : null;
      const pending = (components ?? []).flatMap((c) => {
        const prev = before?.find((p) => p.name === c.name);
        return prev && prev.image !== c.image ? [{ name: c.name, from: c.image, to: prev.image }] : [];
      });
      if (stage.approval === 'verfahrensverantwortliche' && (pull || pending.length > 0)) {
        freigaben.push({ verfahren: name, stage: stage.name, kind: pull ? 'pull-request' : 'promotion-pending', pullRequest, approvers, components: pending });
      }
      return {
        stage: stage.name,
        booked: components !== undefined,
        components: views,
        matchesPrevious: views.every((v) => v.previous !== 'different'),
        workload: statusOf.get(`${name}/${stage.name}`) ?? null,
        pullRequest,
      };
    });
    verfahren.push({ name, title: spec?.title ?? name, tenant: spec?.tenant ?? '', schutzbedarf: spec?.schutzbedarf ?? '', approvers, cells });
  }

  const tenants: TenantView[] = [...estate.tenants.keys()].sort(cmp).map((name) => ({
    name,
    title: estate.tenants.get(name)!.data.spec.title,
    verfahren: countByTenant.get(name) ?? 0,
    bars: bars(estate, name),
  }));

  return {
    apiVersion: DASHBOARD_API_VERSION,
    repository: input.repository,
    generatedAt: input.generatedAt,
    today,
    sources: input.sources,
    stages,
    verfahren,
    tenants,
    freigaben,
    people: [...people].sort(cmp),
    audit: input.audit,
  };
}

/** What waits for one login (case-insensitive, as approvals are matched). */
export function freigabenFor(dashboard: Dashboard, login: string): FreigabeItem[] {
  const who = login.toLowerCase();
  return dashboard.freigaben.filter((f) => f.approvers.some((a) => a.login.toLowerCase() === who));
}
