/**
 * The facts about a pull request an evaluation needs, from a webhook payload or, for events
 * that only carry its number (re-requested checks, comment commands), from one API call.
 */
import type { GitHubClient, RepoRef } from './github-client.js';

export interface PullRequestTarget extends RepoRef {
  readonly number: number;
  readonly headSha: string;
  readonly baseSha: string;
  readonly baseRef: string;
  readonly defaultBranch: string;
  readonly author: string;
  readonly labels: readonly string[];
  readonly requestedUsers: readonly string[];
  readonly requestedTeams: readonly string[];
  readonly state: string;
  readonly htmlUrl?: string;
  /** The head branch and the repository it lives in ('owner/name'; a fork's differs). */
  readonly headRef?: string;
  readonly headRepo?: string;
  /** The pull request's `commits` count (not in list responses). */
  readonly commitCount?: number;
  /** The sender of a `synchronize` event: who pushed just now. */
  readonly pushedBy?: string;
}

/** The fields of a pull request object (webhook or REST) we read. */
export interface PullLike {
  readonly number: number;
  readonly state: string;
  readonly html_url?: string;
  readonly user: { readonly login: string } | null;
  readonly head: { readonly sha: string; readonly ref?: string; readonly repo?: { readonly full_name?: string } | null };
  readonly commits?: number;
  readonly base: { readonly sha: string; readonly ref: string; readonly repo?: { readonly default_branch?: string } };
  readonly labels?: readonly ({ readonly name?: string } | string)[];
  readonly requested_reviewers?: readonly ({ readonly login?: string } | null)[] | null;
  readonly requested_teams?: readonly ({ readonly slug?: string } | null)[] | null;
}

export interface RepositoryLike {
  readonly name: string;
  readonly owner: { readonly login: string };
  readonly default_branch?: string;
}

export function targetOf(repository: RepositoryLike, pull: PullLike): PullRequestTarget {
  return {
    owner: repository.owner.login,
    repo: repository.name,
    number: pull.number,
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    baseRef: pull.base.ref,
    defaultBranch: repository.default_branch ?? pull.base.repo?.default_branch ?? pull.base.ref,
    author: pull.user?.login ?? '',
    labels: (pull.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter((l) => l !== ''),
    requestedUsers: (pull.requested_reviewers ?? []).flatMap((u) => (u?.login ? [u.login] : [])),
    requestedTeams: (pull.requested_teams ?? []).flatMap((t) => (t?.slug ? [t.slug] : [])),
    state: pull.state,
    ...(pull.html_url ? { htmlUrl: pull.html_url } : {}),
    ...(pull.head.ref ? { headRef: pull.head.ref } : {}),
    ...(pull.head.repo?.full_name ? { headRepo: pull.head.repo.full_name } : {}),
    ...(typeof pull.commits === 'number' ? { commitCount: pull.commits } : {}),
  };
}

export interface FetchPullRequestParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly number: number;
  readonly repository: RepositoryLike;
}

export async function fetchPullRequest(params: FetchPullRequestParams): Promise<PullRequestTarget> {
  const { octokit, owner, repo, number } = params;
  const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
  return targetOf(params.repository, data as unknown as PullLike);
}
