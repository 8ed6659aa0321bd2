/**
 * Asks the required approvers who have not been asked yet (and have not reviewed the head
 * commit) for a review, so an unchanged re-evaluation asks nobody: users by login,
 * teams by slug when the team belongs to the repository's organisation (GitHub cannot
 * request a team of another organisation). Never the author, never someone whose approval
 * already counts.
 */
import type { Logger } from 'probot';
import type { ApprovalResult } from '../../core/approval.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import { teamKey } from './teams.js';

export interface ReviewRequest {
  readonly reviewers: string[];
  readonly team_reviewers: string[];
}

export interface ReviewRequestParams {
  readonly owner: string;
  readonly author: string;
  readonly approval: ApprovalResult;
  /** Already requested (logins, team slugs). */
  readonly requestedUsers: readonly string[];
  readonly requestedTeams: readonly string[];
  /**
   * Who already reviewed the head commit (any state): GitHub drops them from the requested
   * reviewers, and asking again on every evaluation would be a write each time.
   */
  readonly reviewedHead?: readonly string[];
}

/** Who to ask (pure): the open requirements' approvers, minus those asked, approved or excluded. */
export function reviewRequest(params: ReviewRequestParams): ReviewRequest {
  const lower = (s: string) => s.toLowerCase();
  const askedUsers = new Set([...params.requestedUsers, ...(params.reviewedHead ?? [])].map(lower));
  const askedTeams = new Set(params.requestedTeams.map(lower));
  const users = new Map<string, string>();
  const teams = new Map<string, string>();
  for (const r of params.approval.requirements) {
    const met = r.satisfied ?? (r.approvedBy.length >= r.min && r.blockedBy.length === 0);
    if (met) continue;
    const approved = new Set(r.approvedBy.map(lower));
    const excluded = new Set((r.notCounted ?? []).filter((n) => n.why !== 'stale-commit' && n.why !== 'content-changed' && n.why !== 'vertretung-expired').map((n) => lower(n.login)));
    for (const principal of r.candidates ?? r.approvers) {
      const team = teamKey(principal);
      if (team) {
        const [org, slug] = team.split('/');
        if (org === lower(params.owner) && !askedTeams.has(slug)) teams.set(slug, slug);
        continue;
      }
      const login = principal.replace(/^@/, '');
      const key = lower(login);
      if (key === lower(params.author) || askedUsers.has(key) || approved.has(key) || excluded.has(key) || key.endsWith('[bot]')) continue;
      users.set(key, login);
    }
  }
  return { reviewers: [...users.values()].sort(), team_reviewers: [...teams.values()].sort() };
}

export interface RequestReviewersParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly number: number;
  readonly request: ReviewRequest;
}

/** One call, or none when nobody is left to ask. */
export async function requestReviewers(params: RequestReviewersParams): Promise<void> {
  const { octokit, owner, repo, number, request, log } = params;
  if (request.reviewers.length === 0 && request.team_reviewers.length === 0) return;
  await octokit.rest.pulls
    .requestReviewers({ owner, repo, pull_number: number, reviewers: request.reviewers, team_reviewers: request.team_reviewers })
    .catch((error: { status?: number; message?: string }) => {
      // 422: someone is not a collaborator. The approval check already names them; asking is a courtesy.
      if (error.status !== 422) throw error;
      log.warn({ reviewers: request.reviewers, teams: request.team_reviewers, reason: error.message }, 'review request refused by GitHub');
    });
}
