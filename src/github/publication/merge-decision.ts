/**
 * The Freigabe as it was decided for a merged pull request, for the audit trailers of the
 * rendered commits: the approvals that counted (not every APPROVED review) and whether the
 * merge was a Notfalländerung — decided from what was merged, not from labels read later.
 *
 * The merged change is the default branch's first parent → the merge commit; the decision is
 * the same core gate the approval check ran (src/core/approval.ts), over the pull request's
 * reviews, commits, pushers and dismissed requests for changes on its last head commit, with
 * the labels it carried at `merged_at` — replayed from the timeline, so removing `notfall` right
 * after the merge changes nothing.
 */
import type { PullCommit, Review } from '../../core/approval.js';
import { plan } from '../../core/plan.js';
import type { Approver } from '../../core/publication.js';
import type { IdentityResolver } from '../platform/app-identity.js';
import { labelsAt, type TimelineEvent } from '../../core/dismissed-reviews.js';
import { readContributorFacts } from '../pull-request/contributor-facts.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import type { PullRequestTarget } from '../platform/pull-request.js';
import { listCommits } from '../pull-request/reviews.js';
import type { SnapshotCache } from '../platform/snapshot-cache.js';
import { readSnapshot } from '../platform/snapshot-reader.js';
import type { ArchiveLimits } from '../platform/tarball.js';
import { resolveTeams, teamKey } from '../pull-request/teams.js';
import { berlinDate } from '../platform/today.js';

export interface MergedPull {
  readonly number: number;
  readonly author: string;
  readonly headSha: string;
  readonly headRef?: string;
  readonly headRepo?: string;
  /** ISO time of the merge. */
  readonly mergedAt: string;
}

export interface MergeDecision {
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
  /** The merged change had every approval it needed. */
  readonly satisfied: boolean;
}

export interface DecideMergedParams {
  readonly octokit: GitHubClient;
  readonly source: RepoRef;
  /** The merge commit on the default branch. */
  readonly sha: string;
  readonly defaultBranch: string;
  readonly pull: MergedPull;
  readonly reviews: readonly Review[];
  readonly deps: { readonly cache: SnapshotCache; readonly limits: ArchiveLimits; readonly identity?: IdentityResolver };
  readonly now?: () => Date;
  readonly log: { warn(obj: unknown, msg?: string): void };
}

const NONE: MergeDecision = { approvedBy: [], notfall: false, satisfied: false };

export async function decideMerged(params: DecideMergedParams): Promise<MergeDecision> {
  const { octokit, source, sha, pull, deps } = params;
  if (!deps.identity) return NONE;
  const { data: merge } = await octokit.rest.git.getCommit({ ...source, commit_sha: sha });
  const parent = merge.parents[0]?.sha;
  const read = (at: string) => readSnapshot({ octokit, ...source, sha: at, scope: [], cache: deps.cache, limits: deps.limits });
  const head = await read(sha);
  const base = parent ? await read(parent) : undefined;
  if (!head.ok || !base?.ok) {
    // Without both states there is no decision to record: fail closed, name nobody.
    params.log.warn({ sha, parent }, 'freigabe could not decide the merged change again; the rendered commit names no approver');
    return NONE;
  }

  const commits: PullCommit[] = await listCommits({ octokit, ...source, number: pull.number });
  const timeline = (await octokit.paginate(octokit.rest.issues.listEventsForTimeline, { ...source, issue_number: pull.number, per_page: 100 })) as TimelineEvent[];
  const target: PullRequestTarget = {
    ...source,
    number: pull.number,
    headSha: pull.headSha,
    baseSha: parent!,
    baseRef: params.defaultBranch,
    defaultBranch: params.defaultBranch,
    author: pull.author,
    labels: [],
    requestedUsers: [],
    requestedTeams: [],
    state: 'closed',
    ...(pull.headRef ? { headRef: pull.headRef } : {}),
    ...(pull.headRepo ? { headRepo: pull.headRepo } : {}),
  };
  const facts = await readContributorFacts({ octokit, target, reviews: params.reviews, commits, identity: await deps.identity!(), timeline });
  const input = { base: base.snapshot, head: head.snapshot, labels: labelsAt(timeline, pull.mergedAt), today: berlinDate((params.now ?? (() => new Date()))()), manifests: false } as const;
  const review = {
    author: pull.author,
    headSha: pull.headSha,
    reviews: params.reviews,
    commits,
    pushers: facts.pushers,
    pushersUnknown: facts.pushersUnknown,
    dismissedChangeRequests: facts.dismissedChangeRequests,
    promotionRequesters: facts.promotionRequesters,
  };
  let decided = plan({ ...input, review: { ...review, teams: {} } }).approval;
  const principals = decided.requirements.flatMap((r) => r.approvers);
  if (principals.some((p) => teamKey(p) !== undefined)) {
    const teams = await resolveTeams({ octokit, log: params.log as never, principals });
    decided = plan({ ...input, review: { ...review, teams } }).approval;
  }

  const counted = new Set(decided.requirements.flatMap((r) => r.approvedBy.map((l) => l.toLowerCase())));
  const latest = new Map<string, Review>();
  for (const r of params.reviews) {
    if (r.user && r.state === 'APPROVED' && r.commit_id === pull.headSha) latest.set(r.user.login.toLowerCase(), r);
  }
  const approvedBy = [...counted]
    .sort()
    .map((key) => latest.get(key))
    .filter((r): r is Review => r !== undefined)
    .map((r) => ({ login: r.user!.login, at: r.submitted_at ?? '', sha: r.commit_id! }));
  return { approvedBy, notfall: decided.emergency === true, satisfied: decided.satisfied };
}
