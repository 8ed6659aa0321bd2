/** The installation-authenticated Octokit Probot hands to every event, and the repository it acts on. */
import type { Context } from 'probot';

export type GitHubClient = Context['octokit'];

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}
