/**
 * The dashboard's data in the app, read with the installation's Octokit: the default branch
 * (one tarball through the snapshot reader, cached by commit), the open promotion pull
 * requests (`freigabe/promote/<verfahren>/<stage>`) and the rendered branches' latest commits
 * (audit trailers). About 8 requests per refresh however large the estate is.
 */
import { loadEstate, type ParseCache } from '../core/load.js';
import { stageNames } from '../core/model.js';
import { parseTrailers } from '../core/publication.js';
import type { GitHubClient, RepoRef } from '../github/platform/github-client.js';
import type { SnapshotCache } from '../github/platform/snapshot-cache.js';
import { readSnapshot } from '../github/platform/snapshot-reader.js';
import type { ArchiveLimits } from '../github/platform/tarball.js';
import type { WorkloadStatusSource } from '../kubernetes/workload-status.js';
import { berlinDate } from '../github/platform/today.js';
import { buildDashboard, type AuditItem, type Dashboard, type PromotionPullRequest } from './view-model.js';

/** Commits per rendered branch the dashboard shows (the full history: `freigabe audit`). */
export const AUDIT_COMMITS_PER_STAGE = 30;

const PROMOTION_BRANCH = /^freigabe\/promote\/([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9]*)$/;

export interface ReadGitHubDashboardParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly cache: SnapshotCache;
  readonly limits: ArchiveLimits;
  readonly statusSource?: WorkloadStatusSource;
  readonly now: Date;
  /** Parsed documents kept between refreshes (only changed files are parsed again). */
  readonly parseCache?: ParseCache;
}

interface PullLike {
  number: number;
  html_url: string;
  title: string;
  created_at: string;
  user: { login: string } | null;
  head: { ref: string; repo: { full_name: string } | null };
  requested_reviewers?: Array<{ login: string }> | null;
}

export function promotionPullRequests(pulls: readonly PullLike[], fullName: string): PromotionPullRequest[] {
  return pulls.flatMap((p) => {
    const m = PROMOTION_BRANCH.exec(p.head.ref);
    // Only freigabe's own branches in this repository, never a fork's branch of the same name.
    if (!m || p.head.repo?.full_name !== fullName) return [];
    return [{
      number: p.number,
      url: p.html_url,
      title: p.title,
      verfahren: m[1],
      stage: m[2],
      author: p.user?.login ?? null,
      createdAt: p.created_at,
      requestedReviewers: (p.requested_reviewers ?? []).map((r) => r.login),
    }];
  });
}

/** The Fachverfahren line freigabe writes into the body of a rendered commit (publication.ts commitMessage). */
function verfahrenOfMessage(message: string): string[] {
  const line = message.split('\n').find((l) => l.startsWith('Fachverfahren: '));
  return line ? line.slice('Fachverfahren: '.length).split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export async function readGitHubDashboard(params: ReadGitHubDashboardParams): Promise<Dashboard> {
  const { octokit, owner, repo } = params;
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  const { data: branch } = await octokit.rest.repos.getBranch({ owner, repo, branch: repository.default_branch });
  const read = await readSnapshot({ octokit, owner, repo, sha: branch.commit.sha, scope: [], cache: params.cache, limits: params.limits });
  if (!read.ok) throw new Error(`the default branch's archive exceeds ${read.exceeded.limit} (${read.exceeded.value} > ${read.exceeded.max})`);
  const estate = loadEstate({ snapshot: read.snapshot, ...(params.parseCache ? { cache: params.parseCache } : {}) }).value;

  const pulls = (await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 })) as PullLike[];
  const pullRequests = promotionPullRequests(pulls, `${owner}/${repo}`);

  const output = estate.settings.output;
  const audit: AuditItem[] = [];
  // With a deploy repository the rendered commits live elsewhere; `freigabe audit --ref` reads them there.
  const hasAudit = output.repository === undefined;
  if (hasAudit) {
    for (const stage of stageNames(estate)) {
      const commits = await octokit.rest.repos
        .listCommits({ owner, repo, sha: `${output.branchPrefix}${stage}`, per_page: AUDIT_COMMITS_PER_STAGE })
        .then((r) => r.data)
        .catch((error: { status?: number }) => {
          // No rendered branch for this stage yet (404), or an empty repository (409).
          if (error.status === 404 || error.status === 409) return [];
          throw error;
        });
      for (const c of commits) {
        const t = parseTrailers(c.commit.message);
        audit.push({
          stage: t.stage ?? stage,
          commit: c.sha,
          date: c.commit.committer?.date ?? c.commit.author?.date ?? '',
          source: t.source ?? null,
          pullRequest: t.pullRequest ?? null,
          approvedBy: t.approvedBy,
          // GitHub signs what the app commits through the API; a bot author with a verified signature is freigabe's.
          byFreigabe: c.author?.type === 'Bot' && c.commit.verification?.verified === true,
          signature: c.commit.verification?.verified ? 'good' : c.commit.verification?.signature ? 'bad' : 'none',
          notfall: t.notfall,
          verfahren: verfahrenOfMessage(c.commit.message),
          subject: c.commit.message.split('\n')[0],
        });
      }
    }
    audit.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  }

  return buildDashboard({
    estate,
    statuses: params.statusSource?.statuses() ?? [],
    pullRequests,
    audit,
    today: berlinDate(params.now),
    generatedAt: params.now.toISOString(),
    repository: `${owner}/${repo}`,
    sources: { clusters: params.statusSource !== undefined, pullRequests: true, audit: hasAudit },
  });
}
