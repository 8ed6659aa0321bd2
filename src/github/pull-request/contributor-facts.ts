/**
 * The four-eyes facts beyond the commit list (src/core/contributors.ts), read for one
 * evaluation:
 *
 *   pushers     who pushed to the head branch: the `synchronize` sender, and GitHub's repository
 *               activity for that branch (GET /repos/{o}/{r}/activity?ref=…: pushes, force
 *               pushes, branch creation; needs only `metadata: read`). A head branch in a fork
 *               whose activity freigabe cannot read leaves the pushers unknown (fails closed).
 *   dismissed   requests for changes that someone dismissed (the timeline), read only when a
 *               review list holds a DISMISSED review.
 *   requester   who ran `/freigabe promote`, from the `Freigabe-Requested-By` trailer of a commit
 *               that is freigabe's own (src/github/platform/own-commits.ts); a trailer in anyone else's
 *               commit is ignored.
 */
import type { PullCommit, Review } from '../../core/approval.js';
import { dismissedChangeRequests, needsTimeline, type TimelineEvent } from '../../core/dismissed-reviews.js';
import { TRAILER, trailerLines } from '../../core/publication.js';
import type { AppIdentity } from '../platform/app-identity.js';
import type { GitHubClient } from '../platform/github-client.js';
import { isOwnCommit, type GitCommitIdentity } from '../platform/own-commits.js';
import type { PullRequestTarget } from '../platform/pull-request.js';

/** Activity types that put commits on a branch. */
const PUSHING = new Set(['push', 'force_push', 'branch_creation']);

export interface ContributorFacts {
  readonly pushers: readonly string[];
  /** The head branch's activity could not be read (a fork freigabe is not installed on). */
  readonly pushersUnknown: boolean;
  readonly dismissedChangeRequests: readonly number[];
  readonly promotionRequesters: readonly string[];
}

/** A pull-request commit with the git commit inside (GET /repos/{o}/{r}/pulls/{n}/commits). */
type RestCommit = PullCommit & { readonly commit?: GitCommitIdentity & { readonly message?: string } };

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

export interface ReadContributorFactsParams {
  readonly octokit: GitHubClient;
  readonly target: PullRequestTarget;
  readonly reviews: readonly Review[];
  readonly commits: readonly PullCommit[];
  readonly identity: AppIdentity;
  /** The timeline when the caller read it already. */
  readonly timeline?: readonly TimelineEvent[];
}

export async function readContributorFacts(params: ReadContributorFactsParams): Promise<ContributorFacts> {
  const { octokit, target } = params;
  const [activity, timeline] = await Promise.all([
    readPushers(octokit, target),
    params.timeline
      ? Promise.resolve(params.timeline)
      : needsTimeline(params.reviews)
      ? (octokit.paginate(octokit.rest.issues.listEventsForTimeline, { owner: target.owner, repo: target.repo, issue_number: target.number, per_page: 100 }) as Promise<TimelineEvent[]>)
        : Promise.resolve([] as TimelineEvent[]),
  ]);
  const pushers = [...new Set([...(target.pushedBy ? [target.pushedBy] : []), ...activity.pushers])].sort();
  const requesters = promotionRequesters(params.commits as readonly RestCommit[], params.identity);
  return {
    pushers,
    pushersUnknown: activity.unknown,
    dismissedChangeRequests: dismissedChangeRequests(timeline),
    promotionRequesters: requesters,
  };
}

async function readPushers(octokit: GitHubClient, target: PullRequestTarget): Promise<{ pushers: string[]; unknown: boolean }> {
  if (!target.headRef) return { pushers: [], unknown: true };
  const [owner, repo] = (target.headRepo ?? `${target.owner}/${target.repo}`).split('/');
  try {
    const activities = await octokit.paginate(octokit.rest.repos.listActivities, { owner, repo, ref: `refs/heads/${target.headRef}`, per_page: 100 });
    return { pushers: activities.filter((a) => PUSHING.has(a.activity_type) && a.actor?.login).map((a) => a.actor!.login), unknown: false };
  } catch (error) {
    // A fork the app is not installed on: nobody can say who pushed there.
    if (status(error) === 403 || status(error) === 404) return { pushers: [], unknown: true };
    throw error;
  }
}

/** The logins in the `Freigabe-Requested-By` trailers of freigabe's own commits; anyone else's trailers are ignored. */
export function promotionRequesters(commits: readonly RestCommit[], identity: AppIdentity): string[] {
  const found = new Set<string>();
  for (const c of commits) {
    if (c.commit && isOwnCommit(c.commit, identity)) for (const login of requestersOf(c.commit.message ?? '')) found.add(login);
  }
  return [...found].sort();
}

/** The `Freigabe-Requested-By` trailer values of a commit message. */
export function requestersOf(message: string): string[] {
  return trailerLines(message).flatMap(([key, value]) => (key.toLowerCase() === TRAILER.requestedBy.toLowerCase() && value !== '' ? [value] : []));
}
