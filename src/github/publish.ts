/**
 * Publication (PRODUCT.md §4.2): the rendered tree of every stage whose output changed is
 * committed to its rendered branch — or to `<stage>/` on a deploy repository's default
 * branch — through the Git Data API:
 *
 *   1. read   ref → commit (message, tree) → recursive tree            (3 calls per stage)
 *   2. build  diffStageTree: only changed files become blobs; deletions are `sha: null`
 *   3. write  blobs → tree (base_tree) → commit (one per stage) → ref without force
 *
 * A 422 on the ref update means someone else moved the branch (another delivery, another
 * instance, a reconciliation): we re-read and rebuild on top of the new head, at most
 * MAX_ATTEMPTS times. Nothing is ever forced on a rendered branch, so an update by someone
 * else is never lost.
 *
 * Idempotence: a branch whose head already carries `Freigabe-Source: <sha>` is done; an
 * identical rendered tree makes no commit; and a source commit that is an ancestor of the
 * one already published is stale (a late delivery) and is not published over a newer one.
 */
import type { Estate, Settings } from '../core/model.js';
import { stageNames, findStage } from '../core/model.js';
import {
  approversOf,
  commitMessage,
  diffStageTree,
  parseTrailers,
  stageFiles,
  type Approver,
  type TreeEntry,
} from '../core/publication.js';
import type { GitHubClient, RepoRef } from './github-client.js';

export const MAX_ATTEMPTS = 3;

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** What the trailers say about the source commit (from fetchAuditInfo). */
export interface AuditInfo {
  readonly pullRequest?: { readonly repository: string; readonly number: number; readonly title?: string; readonly url?: string; readonly author?: string };
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
}

/** Where one stage goes. */
export interface StageTarget extends RepoRef {
  readonly branch: string;
  /** '' on a rendered branch, '<stage>/' in a deploy repository. */
  readonly prefix: string;
}

export type StageStatus = 'created' | 'updated' | 'unchanged' | 'already-published' | 'stale' | 'empty';

export interface StagePublication {
  readonly stage: string;
  readonly target: StageTarget;
  readonly status: StageStatus;
  /** The new rendered commit (created/updated). */
  readonly commit?: string;
  /** Fachverfahren directories changed by the commit. */
  readonly verfahren: readonly string[];
  readonly attempts: number;
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

/** The repository holding the rendered output, from the settings. */
export function outputRepository(settings: Settings, source: RepoRef): RepoRef {
  const r = settings.output.repository;
  if (!r) return source;
  const [owner, repo] = r.split('/');
  return { owner, repo };
}

/** Target of every stage: `<prefix><stage>` here, or `<stage>/` on the deploy repository's default branch. */
export async function stageTargets(params: { octokit: GitHubClient; settings: Settings; source: RepoRef; stages: readonly string[] }): Promise<Map<string, StageTarget>> {
  const { settings, stages } = params;
  const out = new Map<string, StageTarget>();
  if (!settings.output.repository) {
    for (const stage of stages) out.set(stage, { ...params.source, branch: `${settings.output.branchPrefix}${stage}`, prefix: '' });
    return out;
  }
  const deploy = outputRepository(settings, params.source);
  const { data } = await params.octokit.rest.repos.get({ owner: deploy.owner, repo: deploy.repo });
  for (const stage of stages) out.set(stage, { ...deploy, branch: data.default_branch, prefix: `${stage}/` });
  return out;
}

interface BranchState {
  readonly head?: string;
  readonly tree?: string;
  readonly message?: string;
  readonly entries: readonly TreeEntry[];
}

async function readBranch(octokit: GitHubClient, target: StageTarget): Promise<BranchState> {
  let head: string;
  try {
    const { data } = await octokit.rest.git.getRef({ owner: target.owner, repo: target.repo, ref: `heads/${target.branch}` });
    head = data.object.sha;
  } catch (error) {
    // 404: no such branch yet. 409: an empty repository (a deploy repository without commits).
    if (status(error) === 404 || status(error) === 409) return { entries: [] };
    throw error;
  }
  const { data: commit } = await octokit.rest.git.getCommit({ owner: target.owner, repo: target.repo, commit_sha: head });
  const { data: tree } = await octokit.rest.git.getTree({ owner: target.owner, repo: target.repo, tree_sha: commit.tree.sha, recursive: 'true' });
  if (tree.truncated) {
    // GitHub truncates recursive trees beyond 100,000 entries / 7 MB; a diff against a partial
    // tree would delete files, so we refuse rather than guess.
    throw new Error(`tree of ${target.owner}/${target.repo}@${target.branch} is truncated by GitHub; too large to publish safely`);
  }
  return {
    head,
    tree: commit.tree.sha,
    message: commit.message,
    entries: tree.tree.map((e) => ({ path: e.path ?? '', type: e.type ?? 'blob', sha: e.sha ?? '', ...(e.mode ? { mode: e.mode } : {}) })),
  };
}

/** Compare results within one publication run: most branches name the same previous source. */
type AncestryCache = Map<string, Promise<string>>;

/** 'ahead' | 'behind' | 'identical' | 'diverged' of `sha` relative to `published`. */
async function ancestry(octokit: GitHubClient, source: RepoRef, published: string, sha: string, cache: AncestryCache): Promise<string> {
  const key = `${published}...${sha}`;
  let p = cache.get(key);
  if (!p) {
    p = octokit.rest.repos
      .compareCommitsWithBasehead({ ...source, basehead: key, per_page: 1 })
      .then((r) => r.data.status)
      .catch((error) => {
        // The published source may be gone (force push on the default branch): publish anew.
        if (status(error) === 404) return 'diverged';
        throw error;
      });
    cache.set(key, p);
  }
  return p;
}

export interface PublishStageParams {
  readonly octokit: GitHubClient;
  /** The estate repository (where source commits live). */
  readonly source: RepoRef;
  readonly target: StageTarget;
  readonly stage: string;
  readonly stageTitle?: string;
  /** The default-branch commit that was rendered. */
  readonly sha: string;
  /** Wanted stage content, relative to the stage directory. */
  readonly files: ReadonlyMap<string, string>;
  readonly audit: AuditInfo;
  readonly locale: 'de' | 'en';
  readonly log: Logger;
  /** Trust the trailers (push): a head with our source trailer is done, an older source is stale. */
  readonly trustTrailers: boolean;
  readonly ancestryCache?: AncestryCache;
  /** Blob ids already uploaded to the target repository in this run. */
  readonly uploaded?: Set<string>;
}

export async function publishStage(params: PublishStageParams): Promise<StagePublication> {
  const { octokit, target, stage, sha, files, log } = params;
  const { owner, repo } = target;
  const uploaded = params.uploaded ?? new Set<string>();
  const cache = params.ancestryCache ?? new Map();
  for (let attempt = 1; ; attempt++) {
    const branch = await readBranch(octokit, target);
    const result = (s: StageStatus, extra: Partial<StagePublication> = {}): StagePublication => ({ stage, target, status: s, verfahren: [], attempts: attempt, ...extra });

    if (branch.head && params.trustTrailers) {
      // In a deploy repository the head may be another stage's commit; its trailers say
      // nothing about this stage, and the tree comparison below decides.
      const published = parseTrailers(branch.message ?? '');
      const ours = published.stage === stage;
      if (ours && published.source === sha) return result('already-published');
      if (ours && published.source && /^[0-9a-f]{40}$/.test(published.source)) {
        const rel = await ancestry(octokit, params.source, published.source, sha, cache);
        if (rel === 'behind' || rel === 'identical') {
          log.info({ stage, sha, published: published.source }, 'older source commit than the one published; not publishing over it');
          return result('stale');
        }
      }
    }

    const diff = diffStageTree({ files, current: branch.entries, prefix: target.prefix });
    if (diff.unchanged) return result(branch.head ? 'unchanged' : 'empty');

    for (const u of diff.upserts) {
      if (uploaded.has(u.sha)) continue;
      await octokit.rest.git.createBlob({ owner, repo, content: u.text, encoding: 'utf-8' });
      uploaded.add(u.sha);
    }
    const { data: tree } = await octokit.rest.git.createTree({
      owner,
      repo,
      ...(branch.tree ? { base_tree: branch.tree } : {}),
      tree: [
        ...diff.upserts.map((u) => ({ path: u.path, mode: '100644' as const, type: 'blob' as const, sha: u.sha })),
        ...diff.deletions.map((path) => ({ path, mode: '100644' as const, type: 'blob' as const, sha: null })),
      ],
    });
    const message = commitMessage({
      stage,
      ...(params.stageTitle ? { stageTitle: params.stageTitle } : {}),
      source: sha,
      ...(params.audit.pullRequest ? { pullRequest: params.audit.pullRequest } : {}),
      approvedBy: params.audit.approvedBy,
      notfall: params.audit.notfall,
      verfahren: diff.verfahren,
      bootstrap: diff.bootstrap,
      locale: params.locale,
    });
    const { data: commit } = await octokit.rest.git.createCommit({ owner, repo, message, tree: tree.sha, parents: branch.head ? [branch.head] : [] });
    try {
      if (branch.head) {
        await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${target.branch}`, sha: commit.sha, force: false });
      } else {
        await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${target.branch}`, sha: commit.sha });
      }
    } catch (error) {
      // 422: not a fast-forward (PATCH) or the branch appeared meanwhile (POST). 409 is
      // GitHub's answer when the ref moved during the request.
      if ((status(error) === 422 || status(error) === 409) && attempt < MAX_ATTEMPTS) {
        log.warn({ stage, branch: target.branch, attempt }, 'rendered branch moved concurrently; re-reading and retrying');
        continue;
      }
      throw error;
    }
    log.info({ stage, branch: target.branch, commit: commit.sha, verfahren: diff.verfahren }, 'published rendered stage');
    return result(branch.head ? 'updated' : 'created', { commit: commit.sha, verfahren: diff.verfahren });
  }
}

export interface PublishEstateParams {
  readonly octokit: GitHubClient;
  readonly source: RepoRef;
  readonly sha: string;
  readonly estate: Estate;
  /** renderEstate's files ('<stage>/…'). */
  readonly rendered: ReadonlyMap<string, string>;
  readonly audit: AuditInfo;
  readonly log: Logger;
  readonly trustTrailers: boolean;
}

/** Every stage of the platform in order; one commit for each stage whose output changed. */
export async function publishEstate(params: PublishEstateParams): Promise<StagePublication[]> {
  const { octokit, estate } = params;
  const stages = stageNames(estate);
  const targets = await stageTargets({ octokit, settings: estate.settings, source: params.source, stages });
  const ancestryCache: AncestryCache = new Map();
  const uploaded = new Map<string, Set<string>>();
  const out: StagePublication[] = [];
  for (const stage of stages) {
    const target = targets.get(stage)!;
    const key = `${target.owner}/${target.repo}`;
    if (!uploaded.has(key)) uploaded.set(key, new Set());
    out.push(
      await publishStage({
        octokit,
        source: params.source,
        target,
        stage,
        stageTitle: findStage(estate, stage)?.title ?? stage,
        sha: params.sha,
        files: stageFiles(params.rendered, stage),
        audit: params.audit,
        locale: estate.settings.locale,
        log: params.log,
        trustTrailers: params.trustTrailers,
        ancestryCache,
        uploaded: uploaded.get(key)!,
      }),
    );
  }
  return out;
}

/**
 * The pull request a default-branch commit came from (`GET /commits/{sha}/pulls`), its
 * approvers on its last head commit and its `notfall` label. A direct push has none.
 */
export async function fetchAuditInfo(params: { octokit: GitHubClient; source: RepoRef; sha: string; defaultBranch: string }): Promise<AuditInfo> {
  const { octokit, source, sha } = params;
  const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...source, commit_sha: sha, per_page: 100 });
  const merged = pulls.filter((p) => p.merged_at && p.base.ref === params.defaultBranch);
  const pr = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  if (!pr) return { approvedBy: [], notfall: false };
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...source, pull_number: pr.number, per_page: 100 });
  return {
    pullRequest: { repository: `${source.owner}/${source.repo}`, number: pr.number, title: pr.title, url: pr.html_url, ...(pr.user?.login ? { author: pr.user.login } : {}) },
    approvedBy: approversOf(reviews, pr.head.sha),
    notfall: pr.labels.some((l) => (typeof l === 'string' ? l : l.name)?.toLowerCase() === 'notfall'),
  };
}
