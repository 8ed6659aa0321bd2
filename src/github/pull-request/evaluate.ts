/**
 * One evaluation of a pull request, as a numbered pipeline: fetch (I/O) → build (the pure
 * core) → publish (I/O). The number of API calls does not depend on the size of the estate:
 *
 *   settings  0–1  (contents of .github/freigabe.yml, skipped when the base is the default branch)
 *   snapshots 0–2  (one tarball per commit, cached by SHA)
 *   reviews   1    commits 1   (paginated: more only for > 100 reviews or commits)
 *   pushers   1    (repository activity of the head branch; timeline only after a dismissal)
 *   shared    1    (other open pull requests with this head, into the default branch only;
 *                   each one found is built too, so the posted checks are their conjunction)
 *   teams     1 per @org/team named in the requirements
 *   reviewed  0–MAX_REVIEWED_SNAPSHOTS tarballs (cached by SHA): only the commits of approvals that
 *             would count but were given on an older commit, to compare their content
 *   comment   1 list + 0–1 create/update (only when the body changed)
 *   checks    2 lists + 0–2 create/update (only when the content changed; at most 50 annotations)
 *   reviewers 0–1 (only approvers not yet asked)
 *
 * So an unchanged re-evaluation writes nothing, and 50,000 findings cost the same 2–4 writes.
 *
 * Errors are not caught here: the event handler (app.ts) is the only place that does.
 */
import type { Logger } from 'probot';
import type { ParseCaches } from '../platform/parse-caches.js';
import { latestReviews, type Review } from '../../core/approval.js';
import { plan as planPullRequest, type Plan, type PlanReview } from '../../core/plan.js';
import type { Snapshot } from '../../core/snapshot.js';
import type { Locale } from '../../i18n/github.js';
import type { IdentityResolver } from '../platform/app-identity.js';
import { APPROVAL_CHECK, checkRunName, ownAppId, publishCheckRun, VALIDATION_CHECK } from './checks.js';
import { readContributorFacts } from './contributor-facts.js';
import { combineSharedHead, sharedHeadPulls } from './shared-head.js';
import { upsertStickyComment } from './comment.js';
import type { GitHubClient } from '../platform/github-client.js';
import {
  archiveTooLargePublication,
  noEstateChangePublication,
  plannedPublication,
  settingsBrokenPublication,
  type PullRequestFeedback,
} from './pull-request-feedback.js';
import type { PullRequestTarget } from '../platform/pull-request.js';
import { requestReviewers } from './reviewers.js';
import { listCommits, listReviews } from './reviews.js';
import { readDefaultBranchSettings, settingsFromSnapshot, type SettingsResult } from '../platform/settings.js';
import type { SnapshotCache } from '../platform/snapshot-cache.js';
import { readSnapshot, scopeOf } from '../platform/snapshot-reader.js';
import type { ArchiveLimits } from '../platform/tarball.js';
import { resolveTeams, teamKey } from './teams.js';
import { berlinDate } from '../platform/today.js';

/** At most this many older reviewed commits are read per evaluation (the newest approvals first). */
export const MAX_REVIEWED_SNAPSHOTS = 5;

export interface EvaluationDeps {
  readonly cache: SnapshotCache;
  readonly limits: ArchiveLimits;
  readonly now: () => Date;
  /** Parsed documents per repository between evaluations (optional: without it every plan parses afresh). */
  readonly parseCaches?: ParseCaches;
  /** The app's identity, to recognise freigabe's own commits (src/github/platform/own-commits.ts). */
  readonly identity: IdentityResolver;
}

export interface EvaluateParams {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly target: PullRequestTarget;
  readonly deps: EvaluationDeps;
  /** Asked right before publishing: false when a newer head has arrived meanwhile (its own job posts). */
  readonly stillCurrent?: () => Promise<boolean>;
}

export type Outcome = 'planned' | 'no-estate-change' | 'settings-broken' | 'archive-too-large';

export interface Evaluation {
  readonly outcome: Outcome;
  readonly locale: Locale;
  readonly publication: PullRequestFeedback;
  readonly plan?: Plan;
  /** Not published: a newer head of the pull request arrived during the evaluation. */
  readonly superseded?: boolean;
}

export async function evaluatePullRequest(params: EvaluateParams): Promise<Evaluation> {
  const evaluation = await build(params);
  let publication = evaluation.publication;
  if (params.target.baseRef === params.target.defaultBranch) {
    // The protected names hold for every open pull request into the default branch with this head.
    const others = await sharedHeadPulls({ octokit: params.octokit, target: params.target });
    const built = [];
    for (const other of others) built.push({ number: other.number, publication: (await build({ ...params, target: other })).publication });
    publication = combineSharedHead({ own: publication, others: built, locale: evaluation.locale });
  }
  // Never post an older head's result after a newer one's (the queue knows the newest head).
  if (params.stillCurrent && !(await params.stillCurrent())) return { ...evaluation, superseded: true };
  await publish({ ...params, publication });
  params.log.info(
    { pull: `${params.target.owner}/${params.target.repo}#${params.target.number}`, sha: params.target.headSha, outcome: evaluation.outcome },
    'freigabe evaluated pull request',
  );
  return evaluation;
}

async function build(params: EvaluateParams): Promise<Evaluation> {
  const { octokit, log, target, deps } = params;
  const repoRef = { owner: target.owner, repo: target.repo };
  const read = (sha: string, scope: readonly string[]) => readSnapshot({ octokit, ...repoRef, sha, scope, cache: deps.cache, limits: deps.limits });

  // 1. settings of the default branch (from the base snapshot when the base is the default branch)
  const baseIsDefault = target.baseRef === target.defaultBranch;
  let settings: SettingsResult | undefined;
  if (!baseIsDefault) settings = await readDefaultBranchSettings({ octokit, ...repoRef, defaultBranch: target.defaultBranch });

  // 2. snapshots of base and head
  const base = await read(target.baseSha, settings ? scopeOf(settings.settings) : []);
  if (!base.ok) return archiveTooLarge(settings?.settings.locale ?? 'de', target.baseSha, base.exceeded);
  settings ??= settingsFromSnapshot(base.snapshot);
  const locale = settings.settings.locale;
  if (settings.diagnostics.length > 0) {
    return { outcome: 'settings-broken', locale, publication: settingsBrokenPublication({ locale, defaultBranch: target.defaultBranch, diagnostics: settings.diagnostics }) };
  }
  const scope = scopeOf(settings.settings);
  const head = await read(target.headSha, scope);
  if (!head.ok) return archiveTooLarge(locale, target.headSha, head.exceeded);
  if (head.problems.length === 0 && sameEstate(base.snapshot, head.snapshot, scope)) {
    return { outcome: 'no-estate-change', locale, publication: noEstateChangePublication({ locale, root: settings.settings.root, headSha: target.headSha }) };
  }

  // 3. review state
  const [reviews, commits] = await Promise.all([listReviews({ octokit, ...repoRef, number: target.number }), listCommits({ octokit, ...repoRef, number: target.number })]);

  // 4. the plan (pure core); team memberships only if the requirements name teams
  const facts = await readContributorFacts({ octokit, target, reviews, commits, identity: await deps.identity() });
  const review: PlanReview = {
    author: target.author,
    headSha: target.headSha,
    reviews,
    commits,
    teams: {},
    ...(target.commitCount !== undefined ? { commitCount: target.commitCount } : {}),
    pushers: facts.pushers,
    pushersUnknown: facts.pushersUnknown,
    dismissedChangeRequests: facts.dismissedChangeRequests,
    promotionRequesters: facts.promotionRequesters,
  };
  const parseCache = deps.parseCaches?.for(target.owner, target.repo);
  const now = deps.now();
  const input = { base: base.snapshot, head: head.snapshot, labels: target.labels, today: berlinDate(now), now, locale, ...(parseCache ? { parseCache } : {}) };
  let plan = planPullRequest({ ...input, review });
  const principals = plan.approval.requirements.flatMap((r) => r.approvers);
  let teams: Record<string, string[]> = {};
  if (principals.some((p) => teamKey(p) !== undefined)) {
    teams = await resolveTeams({ octokit, log, principals });
    plan = { ...plan, approval: planPullRequest({ ...input, review: { ...review, teams }, manifests: false }).approval };
  }

  // 5. approvals on older commits count when their content is unchanged: read those commits (bounded, cached)
  const stale = staleApprovalCommits(plan, reviews, MAX_REVIEWED_SNAPSHOTS);
  if (stale.length > 0) {
    const reviewed = new Map<string, Snapshot>();
    for (const sha of stale) {
      const r = await read(sha, scope);
      if (r.ok) reviewed.set(sha, r.snapshot);
    }
    if (reviewed.size > 0) plan = { ...plan, approval: planPullRequest({ ...input, review: { ...review, teams, reviewed }, manifests: false }).approval };
  }
  const changedFiles = changedPaths(base.snapshot, head.snapshot, scope);
  const reviewedHead = reviews.filter((r) => r.user && r.commit_id === target.headSha && r.state !== 'PENDING').map((r) => r.user!.login);
  return { outcome: 'planned', locale, plan, publication: plannedPublication({ plan, locale, target, archiveProblems: head.problems, changedFiles, reviewedHead }) };
}

/** Commits of entitled approvals that did not count only because they were given on an older commit (bounded). */
function staleApprovalCommits(plan: Plan, reviews: readonly Review[], max: number): string[] {
  const logins = new Set(plan.approval.requirements.flatMap((r) => (r.notCounted ?? []).filter((n) => n.why === 'stale-commit').map((n) => n.login.toLowerCase())));
  const shas: string[] = [];
  for (const r of [...latestReviews(reviews).values()].reverse()) {
    const sha = r.commitId?.toLowerCase();
    if (!logins.has(r.login.toLowerCase()) || !sha || !/^[0-9a-f]{40}$/.test(sha) || shas.includes(sha)) continue;
    shas.push(sha);
    if (shas.length >= max) break;
  }
  return shas;
}

function archiveTooLarge(locale: Locale, sha: string, exceeded: Parameters<typeof archiveTooLargePublication>[0]['exceeded']): Evaluation {
  return { outcome: 'archive-too-large', locale, publication: archiveTooLargePublication({ locale, sha, exceeded }) };
}

/** Equal files under the estate root, the templates directory and the settings file. */
function sameEstate(base: Snapshot, head: Snapshot, scope: readonly string[]): boolean {
  return changedPaths(base, head, scope).size === 0;
}

/** Files under the estate root, the templates directory or the settings file that differ between base and head. */
function changedPaths(base: Snapshot, head: Snapshot, scope: readonly string[]): Set<string> {
  const relevant = (p: string) => p.startsWith('.github/freigabe.') || scope.some((prefix) => p.startsWith(prefix));
  const out = new Set<string>();
  for (const p of new Set([...base.files.keys(), ...head.files.keys()])) {
    if (!relevant(p)) continue;
    const a = base.files.get(p);
    const b = head.files.get(p);
    if (!a || !b || !Buffer.from(a).equals(b)) out.add(p);
  }
  return out;
}

export interface PublishParams {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly target: PullRequestTarget;
  readonly publication: PullRequestFeedback;
}

/** 5. comment, check runs, review requests. */
export async function publish(params: PublishParams): Promise<void> {
  const { octokit, log, target, publication } = params;
  const repoRef = { owner: target.owner, repo: target.repo };
  let commentUrl: string | undefined;
  if (publication.comment) {
    commentUrl = await upsertStickyComment({ octokit, ...repoRef, number: target.number, body: publication.comment.body, create: publication.comment.create });
  }
  const detailsUrl = commentUrl ?? target.htmlUrl;
  const appId = await ownAppId(octokit);
  const app = appId ? { appId } : {};
  await publishCheckRun({ octokit, ...repoRef, headSha: target.headSha, run: { ...publication.validation, name: checkRunName(VALIDATION_CHECK, target) }, ...app });
  await publishCheckRun({ octokit, ...repoRef, headSha: target.headSha, run: { ...publication.approval, name: checkRunName(APPROVAL_CHECK, target), ...(detailsUrl ? { detailsUrl } : {}) }, ...app });
  if (publication.reviewRequest) {
    await requestReviewers({ octokit, log, ...repoRef, number: target.number, request: publication.reviewRequest });
  }
}
