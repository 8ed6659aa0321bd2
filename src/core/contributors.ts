/**
 * Who contributed to a pull request, for the four-eyes rule, and what keeps that from being
 * known. The rule fails closed: an approval is independent only if every contributor is known,
 * so a commit GitHub cannot link to an account, or a commit list GitHub cut short, leaves the
 * approval open whoever reviewed (README "Wann zählt eine Freigabe?").
 */
import type { PullCommit } from './approval.js';

/** GitHub's pull-request commit list stops here (GET /repos/{o}/{r}/pulls/{n}/commits). */
export const PULL_COMMITS_CAP = 250;

/** Why someone's approval does not count because they took part in the change. */
export type ContributorRole = 'pull-request-author' | 'commit-author' | 'commit-committer' | 'pusher' | 'promotion-requester';

/** What leaves the set of contributors unknown; each one makes every approval requirement fail. */
export type ContributorGap =
  | { readonly type: 'unlinked-author'; readonly sha: string }
  | { readonly type: 'unlinked-committer'; readonly sha: string }
  | { readonly type: 'commits-truncated'; readonly listed: number; readonly total?: number }
  | { readonly type: 'pushers-unknown' };

export interface ContributorsParams {
  /** Who opened the pull request. */
  readonly author: string;
  /** The pull request's commits as GitHub lists them (author/committer null: e-mail not linked to an account). */
  readonly commits?: readonly PullCommit[];
  /** The pull request's `commits` count; more than listed means GitHub cut the list short. */
  readonly commitCount?: number;
  /** Who pushed to the head branch (the synchronize sender, the repository activity). */
  readonly pushers?: readonly string[];
  /** Who pushed could not be read (a head branch in a fork freigabe cannot see). */
  readonly pushersUnknown?: boolean;
  /** Who asked for this promotion (`/freigabe promote`), from freigabe's own commit. */
  readonly promotionRequesters?: readonly string[];
}

export interface Contributors {
  /** Lower-case login → the first role found (author before commits before pushers). */
  readonly excluded: ReadonlyMap<string, ContributorRole>;
  readonly gaps: readonly ContributorGap[];
}

export function contributors(params: ContributorsParams): Contributors {
  const excluded = new Map<string, ContributorRole>();
  const add = (login: string | undefined, role: ContributorRole) => {
    const key = login?.trim().toLowerCase();
    if (key && !excluded.has(key)) excluded.set(key, role);
  };
  add(params.author, 'pull-request-author');
  const gaps: ContributorGap[] = [];
  const commits = params.commits ?? [];
  for (const [i, c] of commits.entries()) {
    const sha = c.sha ?? `#${i + 1}`;
    if (c.author) add(c.author.login, 'commit-author');
    else gaps.push({ type: 'unlinked-author', sha });
    if (c.committer) add(c.committer.login, 'commit-committer');
    else gaps.push({ type: 'unlinked-committer', sha });
  }
  if (params.commits !== undefined) {
    const total = params.commitCount;
    if (total !== undefined ? total > commits.length : commits.length >= PULL_COMMITS_CAP) {
      gaps.push({ type: 'commits-truncated', listed: commits.length, ...(total !== undefined ? { total } : {}) });
    }
  }
  for (const p of params.pushers ?? []) add(p, 'pusher');
  if (params.pushersUnknown) gaps.push({ type: 'pushers-unknown' });
  for (const r of params.promotionRequesters ?? []) add(r, 'promotion-requester');
  return { excluded, gaps };
}
