/**
 * The repository at the commits older approvals were given on, for approvals bound to their
 * content (core/approval-binding.ts). Read from `--repo` when it is a git repository; a commit
 * it does not hold (or no repository at all) is left out, and such an approval stays bound to
 * its commit. Bounded: one commit per reviewer's latest approval, at most MAX_REVIEWED.
 */
import { spawnSync } from 'node:child_process';
import { latestReviews, type Review } from '../core/approval.js';
import type { Snapshot } from '../core/snapshot.js';
import type { Locale } from '../i18n/cli.js';
import { readGitSnapshots } from './read-git.js';

export const MAX_REVIEWED = 20;

/** Commits of the reviewers' latest approvals that are not the head, bounded. */
export function reviewedCommits(reviews: readonly Review[], headSha: string, max = MAX_REVIEWED): string[] {
  const head = headSha.toLowerCase();
  const shas: string[] = [];
  const latest = [...latestReviews(reviews).values()].reverse();
  for (const r of latest) {
    const sha = r.commitId?.toLowerCase();
    if (r.state !== 'APPROVED' || r.bot || !sha || sha === head || !/^[0-9a-f]{40}$/.test(sha) || shas.includes(sha)) continue;
    shas.push(sha);
    if (shas.length >= max) break;
  }
  return shas;
}

function hasCommit(repo: string, sha: string): boolean {
  const r = spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{commit}`], {
    env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return r.status === 0;
}

export function readReviewedSnapshots(params: { repo: string; reviews: readonly Review[]; headSha: string; locale: Locale }): Map<string, Snapshot> {
  const shas = reviewedCommits(params.reviews, params.headSha).filter((sha) => hasCommit(params.repo, sha));
  if (shas.length === 0) return new Map();
  const read = readGitSnapshots(params.repo, shas, params.locale);
  return new Map(shas.map((sha, i) => [sha, read[i].snapshot]));
}
