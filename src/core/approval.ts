/**
 * The Freigabe gate: approval requirements from a change (policy read from the base), and the
 * decision over GitHub-shaped reviews, commits and team memberships (PRODUCT.md 3.5).
 *
 * Everything that decides *who* may approve — stage policy, minApprovals, VV lists,
 * Vertretungen, tenant and platform approvers — comes from the base estate. The head only
 * says *what* changes, so a pull request cannot approve itself by editing those lists.
 */
import type { Change } from './changes.js';
import { contributors, type ContributorGap } from './contributors.js';
import { restoreDismissedChangeRequests } from './dismissed-reviews.js';
import { cmp } from './diagnostics.js';
import { findStage, stageNames, type Estate } from './model.js';
import { checkStageOrder, stageOrderViolations, stageTitle } from './promotion.js';
import { roleMembers, segregateDuties, stageRoleNeeds } from './approval-roles.js';
import type { ContentBinding } from './approval-binding.js';
import { berlinWallTime, frozenChanges } from './freeze.js';
import { vertretungPhase } from './vertretung.js';
import { approvalReason, type ApprovalCause, type ApproverInfo, type ApproverRole } from '../i18n/approval.js';

export type { ApprovalCause, ApproverRole } from '../i18n/approval.js';

/** GET /repos/{o}/{r}/pulls/{n}/reviews item (the fields we read). */
export interface Review {
  readonly user: { readonly login: string; readonly type?: string } | null;
  readonly state: string;
  readonly commit_id: string | null;
  readonly submitted_at?: string | null;
  readonly id?: number;
}

/** GET /repos/{o}/{r}/pulls/{n}/commits item (the fields we read). */
export interface PullCommit {
  readonly sha?: string;
  readonly author: { readonly login: string } | null;
  readonly committer: { readonly login: string } | null;
}

/** Why a reviewer who is (or was) entitled to approve does not count. */
export type NotCountedWhy =
  | 'stale-commit'
  | 'pull-request-author'
  | 'commit-author'
  | 'commit-committer'
  | 'pusher'
  | 'promotion-requester'
  | 'bot'
  | 'vertretung-expired'
  // — policy (issue 13) —
  | 'vertretung-not-yet'
  | 'other-role'
  | 'content-changed';

export interface ApprovalRequirement {
  readonly reason: string;
  readonly verfahren: string | null;
  readonly stage: string | null;
  /** Principals (logins, @org/team) whose approval counts, from the base. */
  readonly approvers: readonly string[];
  readonly min: number;
  readonly approvedBy: readonly string[];
  readonly blockedBy: readonly string[];
  // — additive fields; always filled by approvalRequirements and decideApproval —
  /** Whose approval this is: the Verfahren's VVs (with valid Vertretung), the tenant, or the platform. */
  readonly role?: ApproverRole;
  /** Met: at least `min` counting approvals and nobody in `blockedBy`. */
  readonly satisfied?: boolean;
  /** Principals that could still give a counting approval (not yet approved, not excluded by four-eyes). */
  readonly candidates?: readonly string[];
  /** Entitled reviewers whose review does not count, and why. */
  readonly notCounted?: readonly NotCounted[];
  /** Vertretungen of the base whose `until` lies before `today`. */
  readonly expiredVertretung?: readonly { readonly login: string; readonly until: string }[];
  /** Vertretungen of the base whose `from` lies after `today`. */
  readonly futureVertretung?: readonly { readonly login: string; readonly from: string }[];
  /** The role's name when `role` is 'role' (a role of platform.yaml spec.roles). */
  readonly roleName?: string;
  /** Part of a Notfalländerung (label `notfall` with a skipped stage order). */
  readonly emergency?: boolean;
  /** Repository-relative files behind this requirement. */
  readonly files?: readonly string[];
  /** Machine-readable causes behind `reason`. */
  readonly causes?: readonly ApprovalCause[];
}

export interface NotCounted {
  readonly login: string;
  readonly why: NotCountedWhy;
  /** 'other-role': the role this person's approval fills instead (segregation of duties). */
  readonly countedFor?: string;
  /** 'content-changed': the reviewed commit, and what differs since (changed files, rendered manifests). */
  readonly commit?: string;
  readonly changed?: readonly string[];
}

export interface ApprovalResult {
  readonly satisfied: boolean;
  readonly requirements: readonly ApprovalRequirement[];
  /** Notfalländerung: label `notfall` and a skipped stage order. */
  readonly emergency?: boolean;
  /** Why the contributors are not known (four-eyes fails closed): no requirement is met while any is listed. */
  readonly contributorGaps?: readonly ContributorGap[];
}

export interface RequirementsParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  readonly labels?: readonly string[];
  readonly today: string;
  /** The instant of the decision (ISO-8601 or Date), for Änderungsstopp windows; without it the whole `today` counts. */
  readonly now?: string | Date;
  readonly locale?: 'de' | 'en';
}

export interface GateParams extends RequirementsParams {
  readonly author: string;
  readonly headSha: string;
  readonly reviews: readonly Review[];
  readonly commits?: readonly PullCommit[];
  /** "org/team" → member logins. */
  readonly teams?: Readonly<Record<string, readonly string[]>>;
  /** Older commits whose approved content equals the head's (approval-binding.ts); without it, only head approvals count. */
  readonly binding?: ContentBinding;
  /** The pull request's `commits` count (src/core/contributors.ts). */
  readonly commitCount?: number;
  /** Who pushed to the head branch; they count as contributors. */
  readonly pushers?: readonly string[];
  /** Who pushed could not be read: fails closed. */
  readonly pushersUnknown?: boolean;
  /** Who ran `/freigabe promote` for this promotion; they cannot approve it. */
  readonly promotionRequesters?: readonly string[];
  /** Ids of dismissed reviews that requested changes (src/core/dismissed-reviews.ts); they still block. */
  readonly dismissedChangeRequests?: readonly number[];
}

interface Need {
  readonly role: ApproverRole;
  readonly roleName?: string;
  readonly verfahren: string | null;
  readonly stage: string | null;
  min: number;
  readonly causes: ApprovalCause[];
  readonly files: Set<string>;
  emergency: boolean;
}

const ROLE_ORDER: Record<ApproverRole, number> = { verfahrensverantwortliche: 0, systempfleger: 1, role: 2, tenant: 3, platform: 4 };

/** Who approves for one role, read from the base. */
interface ApproverSet {
  readonly approvers: ApproverInfo[];
  readonly expired: { login: string; until: string }[];
  readonly future?: { login: string; from: string }[];
}

function vvSet(base: Estate, verfahren: string, today: string): ApproverSet | undefined {
  const doc = base.verfahren.get(verfahren)?.doc;
  if (!doc) return undefined;
  const seen = new Set<string>();
  const approvers: ApproverInfo[] = [];
  const expired: { login: string; until: string }[] = [];
  const future: { login: string; from: string }[] = [];
  for (const login of doc.data.spec.verfahrensverantwortliche) {
    if (seen.has(login.toLowerCase())) continue;
    seen.add(login.toLowerCase());
    approvers.push({ principal: login });
  }
  for (const v of doc.data.spec.vertretung ?? []) {
    if (seen.has(v.login.toLowerCase())) continue;
    // `from` and `until` are the first and last day on which the Vertretung may approve (inclusive).
    const phase = vertretungPhase(v, today);
    if (phase === 'after') {
      expired.push({ login: v.login, until: v.until ?? v.from! });
      continue;
    }
    if (phase === 'before') {
      future.push({ login: v.login, from: v.from! });
      continue;
    }
    seen.add(v.login.toLowerCase());
    approvers.push({ principal: v.login, vertretung: true, ...(v.from !== undefined ? { from: v.from } : {}), ...(v.until !== undefined ? { until: v.until } : {}) });
  }
  return { approvers, expired, future };
}

function principals(list: readonly string[] | undefined): ApproverInfo[] {
  return (list ?? []).map((principal) => ({ principal }));
}

/** minApprovals of a stage that requires the VVs on the base; 1 otherwise. */
function stageMin(base: Estate, stage: string): number {
  const def = findStage(base, stage);
  return def && def.approval === 'verfahrensverantwortliche' ? Math.max(1, def.minApprovals ?? 1) : 1;
}

/** Requirements only (no reviews): what plan reports. */
export function approvalRequirements(params: RequirementsParams): ApprovalResult {
  const { base, head, changes, today } = params;
  const locale = params.locale ?? 'de';
  const title = (stage: string) => stageTitle(base, head, stage);
  const needs = new Map<string, Need>();

  const add = (role: ApproverRole, verfahren: string | null, stage: string | null, min: number, causes: ApprovalCause[], files: readonly string[], emergency = false, roleName?: string) => {
    const key = `${role}\u0000${roleName ?? ''}\u0000${verfahren ?? ''}\u0000${stage ?? ''}`;
    let need = needs.get(key);
    if (!need) {
      need = { role, ...(roleName !== undefined ? { roleName } : {}), verfahren, stage, min, causes: [], files: new Set(), emergency };
      needs.set(key, need);
    }
    need.min = Math.max(need.min, min);
    need.emergency ||= emergency;
    for (const c of causes) if (!need.causes.some((x) => JSON.stringify(x) === JSON.stringify(c))) need.causes.push(c);
    for (const f of files) need.files.add(f);
  };
  /** The Verfahren's VVs from the base; without a valid base verfahren.yaml the platform decides. */
  const addVv = (verfahren: string, stage: string | null, min: number, cause: ApprovalCause, files: readonly string[], emergency = false) => {
    if (vvSet(base, verfahren, today)) add('verfahrensverantwortliche', verfahren, stage, min, [cause], files, emergency);
    else add('platform', verfahren, stage, min, [cause, { type: 'verfahren-not-in-base', verfahren }], files, emergency);
  };
  /** The roles the base's stage definition adds (approval-roles.ts); `plattform` is the platform requirement. */
  const addRoles = (verfahren: string, stage: string, cause: ApprovalCause, files: readonly string[], emergency: boolean) => {
    for (const r of stageRoleNeeds({ base, head, verfahren, stage, emergency })) {
      const causes: ApprovalCause[] = [cause, { type: 'stage-role', role: r.name, stage: title(stage), ...(r.condition ? { condition: r.condition } : {}) }];
      if (r.name === 'plattform') add('platform', verfahren, stage, 1, causes, files, emergency);
      else if (r.name === 'systempfleger' && !roleMembers(base, r.name, verfahren)) add('platform', verfahren, stage, 1, [...causes, { type: 'verfahren-not-in-base', verfahren }], files, emergency);
      else add(r.name === 'systempfleger' ? 'systempfleger' : 'role', verfahren, stage, 1, causes, files, emergency, r.name === 'systempfleger' ? undefined : r.name);
    }
  };

  const created = new Set(changes.filter((c) => c.verfahren !== null && c.stage === null && c.kind === 'created').map((c) => c.verfahren!));
  const deleted = new Set(changes.filter((c) => c.verfahren !== null && c.stage === null && c.kind === 'deleted').map((c) => c.verfahren!));
  const platformFiles: string[] = [];
  /** New or deleted Fachverfahren: their stage bookings are folded into one requirement. */
  const folded = new Map<string, { stages: string[]; files: string[]; min: number }>();
  const fold = (verfahren: string) => {
    let f = folded.get(verfahren);
    if (!f) folded.set(verfahren, (f = { stages: [], files: [], min: 1 }));
    return f;
  };

  for (const change of changes) {
    if (change.verfahren === null) {
      platformFiles.push(...change.files);
      continue;
    }
    const v = change.verfahren;
    if (created.has(v) || deleted.has(v)) {
      const f = fold(v);
      f.files.push(...change.files);
      if (change.stage !== null) {
        f.stages.push(change.stage);
        f.min = Math.max(f.min, stageMin(base, change.stage));
      }
      continue;
    }
    if (change.stage === null) {
      // verfahren.yaml modified (or stray files in its directory): the VVs of the base.
      addVv(v, null, 1, { type: 'verfahren-modified', verfahren: v, files: change.files.map((f) => f.slice(f.lastIndexOf('/') + 1)) }, change.files);
      continue;
    }
    const stage = change.stage;
    if (change.kind === 'deleted') {
      const cause: ApprovalCause = { type: 'booking-deleted', verfahren: v, stage: title(stage) };
      addVv(v, stage, stageMin(base, stage), cause, change.files);
      add('platform', v, stage, 1, [cause, { type: 'deletion-platform' }], change.files);
      addRoles(v, stage, cause, change.files, false);
      continue;
    }
    const cause: ApprovalCause =
      change.kind === 'created'
        ? { type: 'booking-created', verfahren: v, stage: title(stage) }
        : change.kind === 'promotion'
          ? { type: 'promotion', verfahren: v, stage: title(stage), components: imageChanged(change) }
          : { type: 'booking', verfahren: v, stage: title(stage), components: change.components.map((c) => c.name) };
    const def = findStage(base, stage);
    if (!def) {
      // A stage the base does not define has no policy yet: the strictest reading applies.
      const headMin = findStage(head, stage)?.minApprovals ?? 1;
      addVv(v, stage, Math.max(1, headMin), cause, change.files);
      add('platform', v, stage, 1, [cause, { type: 'stage-not-in-base', stage }], change.files);
    } else if (def.approval === 'verfahrensverantwortliche') {
      addVv(v, stage, stageMin(base, stage), cause, change.files);
    }
    addRoles(v, stage, cause, change.files, false);
    // approval: none on the base → self-service; validation still applies.
  }

  for (const [v, f] of [...folded].sort(([a], [b]) => cmp(a, b))) {
    const stages = orderStages(base, head, f.stages).map(title);
    const files = [...new Set(f.files)];
    if (created.has(v)) {
      const tenant = head.verfahren.get(v)?.doc?.data.spec.tenant;
      const tenantDoc = tenant === undefined ? undefined : base.tenants.get(tenant);
      const cause: ApprovalCause = { type: 'verfahren-created', verfahren: v, tenant: tenant ?? '', stages };
      if (tenantDoc) add('tenant', v, null, f.min, [cause], files);
      else if (tenant === undefined) add('platform', v, null, f.min, [cause, { type: 'tenant-unreadable', verfahren: v }], files);
      else add('platform', v, null, f.min, [cause, { type: 'tenant-not-in-base', tenant }], files);
    } else {
      const cause: ApprovalCause = { type: 'verfahren-deleted', verfahren: v, stages };
      addVv(v, null, f.min, cause, files);
      add('platform', v, null, 1, [cause, { type: 'deletion-platform' }], files);
    }
  }

  const order = checkStageOrder({ base, head, changes, labels: params.labels });
  if (order.emergency) {
    const groups = new Map<string, { verfahren: string; stage: string; previous: string; components: string[]; files: string[] }>();
    for (const x of stageOrderViolations({ base, head, changes })) {
      const key = `${x.verfahren}\u0000${x.stage}`;
      const g = groups.get(key) ?? { verfahren: x.verfahren, stage: x.stage, previous: x.previous, components: [], files: [] };
      g.components.push(x.component);
      g.files.push(x.file);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const cause: ApprovalCause = { type: 'emergency', verfahren: g.verfahren, stage: title(g.stage), previous: title(g.previous), components: g.components };
      addVv(g.verfahren, g.stage, stageMin(base, g.stage), cause, g.files, true);
      add('platform', g.verfahren, g.stage, 1, [cause], g.files, true);
      addRoles(g.verfahren, g.stage, cause, g.files, true);
    }
  }

  // Änderungsstopp (freeze.ts): with `notfall`, a frozen change takes the Notfalländerung path.
  const frozen = frozenChanges({ base, head, changes, labels: params.labels, today, ...(params.now !== undefined ? { now: params.now } : {}) });
  for (const f of frozen) {
    if (!f.emergency) continue;
    const cause: ApprovalCause = { type: 'freeze', verfahren: f.verfahren, stage: title(f.stage), reasons: f.window.reasons, end: berlinWallTime(f.window.end) };
    addVv(f.verfahren, f.stage, stageMin(base, f.stage), cause, f.files, true);
    add('platform', f.verfahren, f.stage, 1, [cause], f.files, true);
    addRoles(f.verfahren, f.stage, cause, f.files, true);
  }
  const emergency = order.emergency || frozen.some((f) => f.emergency);

  if (platformFiles.length > 0) {
    const files = [...new Set(platformFiles)].sort(cmp);
    add('platform', null, null, 1, [{ type: 'platform-files', files }], files);
  }

  const rank = stageRanker(base, head);
  const requirements = [...needs.values()]
    .sort(
      (a, b) =>
        (a.verfahren === null ? 0 : 1) - (b.verfahren === null ? 0 : 1) ||
        cmp(a.verfahren ?? '', b.verfahren ?? '') ||
        rank(a.stage) - rank(b.stage) ||
        cmp(a.stage ?? '', b.stage ?? '') ||
        ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
        cmp(a.roleName ?? '', b.roleName ?? ''),
    )
    .map((need): ApprovalRequirement => {
      const set: ApproverSet =
        need.role === 'verfahrensverantwortliche'
          ? vvSet(base, need.verfahren!, today)!
          : need.role === 'systempfleger' || need.role === 'role'
            ? { approvers: roleMembers(base, need.roleName ?? 'systempfleger', need.verfahren!) ?? [], expired: [] }
            : need.role === 'tenant'
            ? { approvers: principals(base.tenants.get(head.verfahren.get(need.verfahren!)?.doc?.data.spec.tenant ?? '')?.data.spec.approvers), expired: [] }
            : { approvers: principals(base.platform?.data.spec.approvers), expired: [] };
      const approvers = set.approvers.map((a) => a.principal);
      return {
        reason: approvalReason({ causes: need.causes, role: need.role, approvers: set.approvers, expired: set.expired, future: set.future ?? [], min: need.min, ...(need.roleName !== undefined ? { roleName: need.roleName } : {}) }, locale),
        verfahren: need.verfahren,
        stage: need.stage,
        approvers,
        min: need.min,
        approvedBy: [],
        blockedBy: [],
        role: need.role,
        satisfied: false,
        candidates: approvers,
        notCounted: [],
        expiredVertretung: set.expired,
        ...(set.future && set.future.length > 0 ? { futureVertretung: set.future } : {}),
        ...(need.roleName !== undefined ? { roleName: need.roleName } : {}),
        emergency: need.emergency,
        files: [...need.files].sort(cmp),
        causes: need.causes,
      };
    });
  return { satisfied: requirements.length === 0, requirements, emergency };
}

function imageChanged(change: Change): string[] {
  return change.components.filter((c) => c.after && c.before?.image !== c.after.image).map((c) => c.name);
}

function stageRanker(base: Estate, head: Estate): (stage: string | null) => number {
  const order = [...stageNames(base)];
  for (const s of stageNames(head)) if (!order.includes(s)) order.push(s);
  return (stage) => (stage === null ? -1 : order.indexOf(stage) === -1 ? order.length : order.indexOf(stage));
}

function orderStages(base: Estate, head: Estate, stages: readonly string[]): string[] {
  const rank = stageRanker(base, head);
  return [...new Set(stages)].sort((a, b) => rank(a) - rank(b) || cmp(a, b));
}

// ——— the decision ———

const lower = (s: string) => s.toLowerCase();

function isBot(user: { readonly login: string; readonly type?: string }): boolean {
  return user.type === 'Bot' || lower(user.login).endsWith('[bot]');
}

function time(r: Review): number {
  const t = r.submitted_at ? Date.parse(r.submitted_at) : Number.NaN;
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Per reviewer (lower-case login) the latest review that decides: COMMENTED and PENDING never do. */
export function latestReviews(reviews: readonly Review[]): Map<string, { login: string; bot: boolean; state: string; commitId: string | null }> {
  const ordered = reviews
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => r.user !== null && r.state !== 'COMMENTED' && r.state !== 'PENDING')
    .sort((a, b) => time(a.r) - time(b.r) || (a.r.id ?? Number.NEGATIVE_INFINITY) - (b.r.id ?? Number.NEGATIVE_INFINITY) || a.index - b.index);
  const latest = new Map<string, { login: string; bot: boolean; state: string; commitId: string | null }>();
  for (const { r } of ordered) {
    const user = r.user!;
    latest.set(lower(user.login), { login: user.login, bot: isBot(user), state: r.state, commitId: r.commit_id });
  }
  return latest;
}

export function decideApproval(params: GateParams): ApprovalResult {
  const required = approvalRequirements(params);
  const latest = latestReviews(restoreDismissedChangeRequests(params.reviews, params.dismissedChangeRequests));
  const headSha = lower(params.headSha);

  // Four-eyes: whoever opened, wrote, committed, pushed or requested any part of the pull
  // request cannot release it; and unknown contributors release nothing (fails closed).
  const { excluded, gaps } = contributors(params);
  const teams = new Map<string, Set<string>>();
  for (const [team, members] of Object.entries(params.teams ?? {})) {
    const key = lower(team.replace(/^@/, ''));
    const set = teams.get(key) ?? new Set<string>();
    for (const m of members) set.add(lower(m));
    teams.set(key, set);
  }
  const matches = (principal: string, login: string) =>
    principal.startsWith('@') ? (teams.get(lower(principal.slice(1)))?.has(login) ?? false) : lower(principal) === login;

  const reviewers = [...latest.entries()].sort(([a], [b]) => cmp(a, b));
  const requirements = required.requirements.map((req): ApprovalRequirement => {
    const approvedBy: string[] = [];
    const blockedBy: string[] = [];
    const notCounted: NotCounted[] = [];
    const expired = new Set((req.expiredVertretung ?? []).map((e) => lower(e.login)));
    const future = new Set((req.futureVertretung ?? []).map((e) => lower(e.login)));
    for (const [key, review] of reviewers) {
      const entitled = req.approvers.some((p) => matches(p, key));
      if (!entitled) {
        if (review.state === 'APPROVED' && expired.has(key)) notCounted.push({ login: review.login, why: 'vertretung-expired' });
        else if (review.state === 'APPROVED' && future.has(key)) notCounted.push({ login: review.login, why: 'vertretung-not-yet' });
        continue;
      }
      if (review.bot) {
        if (review.state === 'APPROVED') notCounted.push({ login: review.login, why: 'bot' });
        continue;
      }
      // Changes requested stay in force until the same person reviews again, whatever the commit.
      if (review.state === 'CHANGES_REQUESTED') {
        blockedBy.push(review.login);
        continue;
      }
      if (review.state !== 'APPROVED') continue; // DISMISSED cancels the earlier approval
      const why = excluded.get(key);
      if (why) notCounted.push({ login: review.login, why });
      else if (review.commitId === null || lower(review.commitId) !== headSha) {
        // An older commit counts when the content it approved is unchanged (approval-binding.ts).
        const commit = review.commitId === null ? '' : lower(review.commitId);
        const changed = params.binding?.changed.get(commit);
        if (params.binding?.same.has(commit)) approvedBy.push(review.login);
        else if (changed) notCounted.push({ login: review.login, why: 'content-changed', commit, changed });
        else notCounted.push({ login: review.login, why: 'stale-commit' });
      } else approvedBy.push(review.login);
    }
    const satisfied = gaps.length === 0 && blockedBy.length === 0 && approvedBy.length >= req.min;
    const done = new Set(approvedBy.map(lower));
    const candidates = satisfied
      ? []
      : req.approvers.filter((p) => p.startsWith('@') || (!done.has(lower(p)) && !excluded.has(lower(p))));
    return { ...req, approvedBy, blockedBy, satisfied, candidates, notCounted };
  });
  const segregated = segregateDuties(requirements, params.base.platform?.data.spec.segregationOfDuties !== false);
  return {
    satisfied: segregated.every((r) => r.satisfied),
    requirements: segregated,
    emergency: required.emergency,
    ...(gaps.length > 0 && requirements.length > 0 ? { contributorGaps: gaps } : {}),
  };
}

/**
 * Who may release a booking change of one Fachverfahren as on `base`: its
 * Verfahrensverantwortliche and every Vertretung still valid on `today` (the dashboard's
 * "Meine Freigaben" asks the same question the approval check does).
 */
export function verfahrenApprovers(base: Estate, verfahren: string, today: string): readonly ApproverInfo[] {
  return vvSet(base, verfahren, today)?.approvers ?? [];
}
