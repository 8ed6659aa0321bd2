/**
 * Promotion pull requests (PRODUCT.md §4.3): after stage N of a Fachverfahren got new images,
 * a pull request `freigabe/promote/<verfahren>/<stage N+1>` → default branch that sets stage
 * N+1 to the same digests, with review requested from the Verfahrensverantwortliche.
 *
 *   1. build   proposePromotion (pure): the booking text, title and body
 *   2. commit  one commit on top of the default-branch head (Git Data API: commit → tree with
 *              the file's content → commit)
 *   3. branch  create it, or reset it to that commit. The promotion branch belongs to freigabe,
 *              so this update is forced: a refreshed proposal always starts from the current
 *              default branch, never from a stale one. Commits pushed to it by hand are
 *              replaced (the pull request body says so).
 *   4. pull    the open pull request for that branch is updated, or one is opened
 *   5. review  requested from the VVs, without the author of the change
 */
import type { Estate } from '../core/model.js';
import { proposePromotion, type ProposalResult } from '../core/promotion-proposal.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import type { Logger } from './publish.js';

export interface PromotionPrParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly defaultBranch: string;
  /** Head of the default branch; the proposal is a commit on top of it. */
  readonly headSha: string;
  /** The estate at headSha. */
  readonly estate: Estate;
  readonly verfahren: string;
  /** The stage whose images are promoted (N). */
  readonly from: string;
  readonly source?: { readonly repository: string; readonly number: number; readonly url?: string };
  /** Logins not to request review from (the author of the change, the commenter). */
  readonly exclude?: readonly string[];
  readonly log: Logger;
}

export type PromotionPrResult =
  | { readonly status: 'opened' | 'updated'; readonly number: number; readonly url: string; readonly branch: string; readonly reviewers: readonly string[] }
  | { readonly status: 'skipped'; readonly reason: Exclude<ProposalResult, { ok: true }>['reason']; readonly detail?: string };

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

export async function openPromotionPr(params: PromotionPrParams): Promise<PromotionPrResult> {
  const { octokit, owner, repo, estate, log } = params;
  const result = proposePromotion({
    estate,
    verfahren: params.verfahren,
    from: params.from,
    ...(params.source ? { source: params.source } : {}),
    sourceSha: params.headSha,
    locale: estate.settings.locale,
  });
  if (!result.ok) {
    log.info({ verfahren: params.verfahren, from: params.from, reason: result.reason, detail: result.detail }, 'no promotion pull request');
    return { status: 'skipped', reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) };
  }
  const p = result.proposal;

  const { data: head } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: params.headSha });
  const { data: tree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: head.tree.sha,
    tree: [{ path: p.file, mode: '100644', type: 'blob', content: p.text }],
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: `${p.title}\n\nFreigabe-Source: ${params.headSha}\nFreigabe-Stage: ${p.to}\n`,
    tree: tree.sha,
    parents: [params.headSha],
  });

  let exists = true;
  try {
    await octokit.rest.git.getRef({ owner, repo, ref: `heads/${p.branch}` });
  } catch (error) {
    if (status(error) !== 404) throw error;
    exists = false;
  }
  if (exists) await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${p.branch}`, sha: commit.sha, force: true });
  else await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${p.branch}`, sha: commit.sha });

  const { data: open } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${p.branch}`, state: 'open', per_page: 10 });
  let number: number;
  let url: string;
  let state: 'opened' | 'updated';
  if (open.length > 0) {
    ({ number, html_url: url } = open[0]);
    await octokit.rest.pulls.update({ owner, repo, pull_number: number, title: p.title, body: p.body });
    state = 'updated';
  } else {
    const { data: pr } = await octokit.rest.pulls.create({ owner, repo, head: p.branch, base: params.defaultBranch, title: p.title, body: p.body });
    ({ number, html_url: url } = pr);
    state = 'opened';
  }

  const excluded = new Set((params.exclude ?? []).map((l) => l.toLowerCase()));
  const vvs = estate.verfahren.get(params.verfahren)?.doc?.data.spec.verfahrensverantwortliche ?? [];
  // VVs are logins by schema; anything written as @org/team would need team_reviewers and is left out.
  const reviewers = vvs.filter((l) => !l.startsWith('@') && !excluded.has(l.toLowerCase()));
  if (reviewers.length > 0) {
    try {
      await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers });
    } catch (error) {
      // 422: a VV is not a collaborator of the repository. The pull request stands; the
      // approval check names the VVs anyway.
      if (status(error) !== 422) throw error;
      log.warn({ number, reviewers }, 'could not request review from the Verfahrensverantwortliche');
    }
  }
  log.info({ number, branch: p.branch, state, components: p.components.map((c) => c.name) }, 'promotion pull request');
  return { status: state, number, url, branch: p.branch, reviewers };
}
