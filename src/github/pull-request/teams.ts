/**
 * Team memberships for the `@org/team` approvers a decision needs, through
 * `GET /orgs/{org}/teams/{team_slug}/members` (organization permission members: read).
 * Only teams named in requirements are resolved, each once per evaluation.
 */
import type { Logger } from 'probot';
import type { GitHubClient } from '../platform/github-client.js';

/** `@org/team` → `org/team`, or undefined for a user login. */
export function teamKey(principal: string): string | undefined {
  const m = /^@([^/\s]+)\/([^/\s]+)$/.exec(principal);
  return m ? `${m[1].toLowerCase()}/${m[2].toLowerCase()}` : undefined;
}

export interface ResolveTeamsParams {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  /** Approver principals (logins and @org/team). */
  readonly principals: readonly string[];
}

export async function resolveTeams(params: ResolveTeamsParams): Promise<Record<string, string[]>> {
  const { octokit, log } = params;
  const keys = [...new Set(params.principals.map(teamKey).filter((k): k is string => k !== undefined))].sort();
  const teams: Record<string, string[]> = {};
  for (const key of keys) {
    const [org, team_slug] = key.split('/');
    const members = await octokit
      .paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug, per_page: 100 })
      .catch((error: { status?: number }) => {
        // A team of another organisation, or one that was renamed, cannot be read: nobody counts for it.
        if (error.status === 404 || error.status === 403) {
          log.warn({ team: key, status: error.status }, 'team members cannot be read; nobody counts as a member');
          return [];
        }
        throw error;
      });
    teams[key] = members.map((m) => m.login);
  }
  return teams;
}
