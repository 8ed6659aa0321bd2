/** The review state of a pull request, every page of it (a busy pull request has more than 30 reviews). */
import type { PullCommit, Review } from '../../core/approval.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';

export interface PullRequestActivityParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly number: number;
}

export async function listReviews(params: PullRequestActivityParams): Promise<Review[]> {
  const { octokit, owner, repo, number } = params;
  return (await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 })) as Review[];
}

/** Commits of the pull request (GitHub lists at most 250), for the four-eyes rule. */
export async function listCommits(params: PullRequestActivityParams): Promise<PullCommit[]> {
  const { octokit, owner, repo, number } = params;
  return (await octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo, pull_number: number, per_page: 100 })) as PullCommit[];
}
