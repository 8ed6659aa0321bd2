/**
 * Publication (PRODUCT.md §4.2): the rendered tree of every stage whose output changed is
 * committed to its rendered branch — or to `<stage>/` on a deploy repository's default
 * branch — through the Git Data API:
 *
 *   1. read   ref → commit (message: trailers) → recursive tree       (2–3 calls per stage)
 *   2. build  diffStageTree: only changed files; deletions are `sha: null`
 *   3. write  trees with the content inline (no blob per file), in requests of bounded size
 *             (TREE_BATCH_BOUNDS) chained through base_tree → one commit → ref without force
 *
 * So a stage costs 2 writes plus one per tree batch, whatever the number of files: the first
 * publication of 1,000 Fachverfahren × 4 stages is a few dozen writes, a one-Fachverfahren merge 3.
 * The commit names no author or committer: GitHub then creates it as the app and signs it
 * (shown as verified on github.com). The writes run at bulk priority (write-budget.ts), so a
 * pull request's feedback is not queued behind a publication.
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
import { hasErrors, type Diagnostic } from '../../core/diagnostics.js';
import { loadEstate, loadEstateInSlices, loadSettings } from '../../core/load.js';
import type { Estate, Settings } from '../../core/model.js';
import { stageNames, findStage } from '../../core/model.js';
import { renderEstateInSlices } from '../../core/render.js';
import type { Snapshot } from '../../core/snapshot.js';
import {
  commitMessage,
  diffStageTreeInSlices,
  parseTrailers,
  stageFiles,
  treeBatches,
  type Approver,
  type TreeBatchBounds,
  type TreeEntry,
} from '../../core/publication.js';
import { imageChanges, nextStage } from '../../core/promotion-proposal.js';
import { createDeployments, type DeploymentRecord } from './deployments.js';
import { openPromotionPr, type PromotionPrResult } from './promotion-pr.js';
import type { Review } from '../../core/approval.js';
import { decideMerged } from './merge-decision.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import type { IdentityResolver } from '../platform/app-identity.js';
import type { SnapshotCache } from '../platform/snapshot-cache.js';
import { readSnapshot } from '../platform/snapshot-reader.js';
import type { ArchiveLimits } from '../platform/tarball.js';
import { countPublication } from '../../ops/metrics.js';
import { withWritePriority } from '../platform/write-budget.js';
import type { AuditInfo, Logger, StagePublication, StageStatus, StageTarget } from './publication-model.js';

export const MAX_ATTEMPTS = 3;

// What a publication is made of lives in publication-model.ts (deployments.ts and
// promotion-pr.ts need it too, and import nothing from here).
export { silentLogger, type AuditInfo, type Logger, type StagePublication, type StageStatus, type StageTarget } from './publication-model.js';

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

/** Hands the event loop to waiting I/O (webhook answers) between slices of CPU work. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The repository holding the rendered output, from the settings. */
export function outputRepository(settings: Settings, source: RepoRef): RepoRef {
  const r = settings.output.repository;
  if (!r) return source;
  const [owner, repo] = r.split('/');
  return { owner, repo };
}

/**
 * The clone URL the bootstrap objects give Argo CD and Flux: the one GitHub reports for the
 * repository (`repository.clone_url`), so GitHub Enterprise hosts are right. For a deploy
 * repository it is the estate repository's URL with the other owner and name (same host).
 */
export function cloneUrlOf(params: { sourceCloneUrl?: string; source: RepoRef; target: RepoRef }): string {
  const { source, target } = params;
  const fallback = `https://github.com/${target.owner}/${target.repo}.git`;
  if (!params.sourceCloneUrl) return fallback;
  const same = source.owner.toLowerCase() === target.owner.toLowerCase() && source.repo.toLowerCase() === target.repo.toLowerCase();
  if (same) return params.sourceCloneUrl;
  const suffix = `/${source.owner}/${source.repo}.git`;
  const url = params.sourceCloneUrl;
  if (!url.toLowerCase().endsWith(suffix.toLowerCase())) return fallback;
  return `${url.slice(0, url.length - suffix.length)}/${target.owner}/${target.repo}.git`;
}

/**
 * Target of every stage: `<prefix><stage>` here, or `<stage>/` on the deploy repository's
 * `output.branch` — the same branch the rendered bootstrap objects point Argo CD and Flux at.
 */
export function stageTargets(params: { settings: Settings; source: RepoRef; stages: readonly string[] }): Map<string, StageTarget> {
  const { settings, stages } = params;
  const out = new Map<string, StageTarget>();
  if (!settings.output.repository) {
    for (const stage of stages) out.set(stage, { ...params.source, branch: `${settings.output.branchPrefix}${stage}`, prefix: '' });
    return out;
  }
  const deploy = outputRepository(settings, params.source);
  for (const stage of stages) out.set(stage, { ...deploy, branch: settings.output.branch, prefix: `${stage}/` });
  return out;
}

interface BranchState {
  readonly head?: string;
  readonly tree?: string;
  readonly message?: string;
}

/** The branch head and its commit (message, tree); the tree listing is read separately, only when needed. */
async function readBranch(octokit: GitHubClient, target: StageTarget): Promise<BranchState> {
  let head: string;
  try {
    const { data } = await octokit.rest.git.getRef({ owner: target.owner, repo: target.repo, ref: `heads/${target.branch}` });
    head = data.object.sha;
  } catch (error) {
    // 404: no such branch yet. 409: an empty repository (a deploy repository without commits).
    if (status(error) === 404 || status(error) === 409) return {};
    throw error;
  }
  const { data: commit } = await octokit.rest.git.getCommit({ owner: target.owner, repo: target.repo, commit_sha: head });
  return { head, tree: commit.tree.sha, message: commit.message };
}

async function readTree(octokit: GitHubClient, target: StageTarget, tree: string | undefined): Promise<TreeEntry[]> {
  if (!tree) return [];
  const { data } = await octokit.rest.git.getTree({ owner: target.owner, repo: target.repo, tree_sha: tree, recursive: 'true' });
  if (data.truncated) {
    // GitHub truncates recursive trees beyond 100,000 entries / 7 MB; a diff against a partial
    // tree would delete files, so we refuse rather than guess.
    throw new Error(`tree of ${target.owner}/${target.repo}@${target.branch} is truncated by GitHub; too large to publish safely`);
  }
  return data.tree.map((e) => ({ path: e.path ?? '', type: e.type ?? 'blob', sha: e.sha ?? '', ...(e.mode ? { mode: e.mode } : {}) }));
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
  /** Fetched only when a commit is made (a re-delivery costs no pull-request lookups). */
  readonly audit: () => Promise<AuditInfo>;
  readonly locale: 'de' | 'en';
  readonly log: Logger;
  /** Trust the trailers (push): a head with our source trailer is done, an older source is stale. */
  readonly trustTrailers: boolean;
  readonly ancestryCache?: AncestryCache;
  /** Size of one tree request (default TREE_BATCH_BOUNDS). */
  readonly treeBounds?: TreeBatchBounds;
}

export async function publishStage(params: PublishStageParams): Promise<StagePublication> {
  const { octokit, target, stage, sha, files, log } = params;
  const { owner, repo } = target;
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

    const current = await readTree(octokit, target, branch.tree);
    const diff = await diffStageTreeInSlices({ files, current, prefix: target.prefix }, yieldToEventLoop);
    if (diff.unchanged) return result(branch.head ? 'unchanged' : 'empty');

    let tree = branch.tree;
    for (const batch of treeBatches(diff, params.treeBounds)) {
      const { data } = await octokit.rest.git.createTree({ owner, repo, ...(tree ? { base_tree: tree } : {}), tree: batch });
      tree = data.sha;
    }
    const audit = await params.audit();
    const message = commitMessage({
      stage,
      ...(params.stageTitle ? { stageTitle: params.stageTitle } : {}),
      source: sha,
      ...(audit.pullRequest ? { pullRequest: audit.pullRequest } : {}),
      approvedBy: audit.approvedBy,
      notfall: audit.notfall,
      verfahren: diff.verfahren,
      bootstrap: diff.bootstrap,
      locale: params.locale,
    });
    const { data: commit } = await octokit.rest.git.createCommit({ owner, repo, message, tree: tree!, parents: branch.head ? [branch.head] : [] });
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
    const previous = parseTrailers(branch.message ?? '');
    const previousSource = previous.stage === stage && previous.source ? previous.source : undefined;
    return result(branch.head ? 'updated' : 'created', { commit: commit.sha, verfahren: diff.verfahren, ...(previousSource ? { previousSource } : {}) });
  }
}

export interface PublishEstateParams {
  readonly octokit: GitHubClient;
  readonly source: RepoRef;
  readonly sha: string;
  readonly estate: Estate;
  /** renderEstate's files ('<stage>/…'). */
  readonly rendered: ReadonlyMap<string, string>;
  readonly audit: () => Promise<AuditInfo>;
  readonly log: Logger;
  readonly trustTrailers: boolean;
}

/** Every stage of the platform in order; one commit for each stage whose output changed. */
export async function publishEstate(params: PublishEstateParams): Promise<StagePublication[]> {
  const { octokit, estate } = params;
  const stages = stageNames(estate);
  const targets = stageTargets({ settings: estate.settings, source: params.source, stages });
  const ancestryCache: AncestryCache = new Map();
  const out: StagePublication[] = [];
  for (const stage of stages) {
    const target = targets.get(stage)!;
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
      }),
    );
  }
  return out;
}

/**
 * The pull request a default-branch commit came from (`GET /commits/{sha}/pulls`), and the
 * Freigabe decided for what it merged (src/github/publication/merge-decision.ts): only the approvals that
 * counted, and the Notfall mark from the merged content, not from labels. A direct push has none.
 */
export async function fetchAuditInfo(params: { octokit: GitHubClient; source: RepoRef; sha: string; defaultBranch: string; deps: PublicationDeps; log: Logger }): Promise<AuditInfo> {
  const { octokit, source, sha } = params;
  const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...source, commit_sha: sha, per_page: 100 });
  const merged = pulls.filter((p) => p.merged_at && p.base.ref === params.defaultBranch);
  const pr = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  if (!pr) return { approvedBy: [], notfall: false };
  const reviews = (await octokit.paginate(octokit.rest.pulls.listReviews, { ...source, pull_number: pr.number, per_page: 100 })) as Review[];
  const decision = await decideMerged({
    octokit,
    source,
    sha,
    defaultBranch: params.defaultBranch,
    pull: { number: pr.number, author: pr.user?.login ?? '', headSha: pr.head.sha, headRef: pr.head.ref, mergedAt: pr.merged_at!, ...(pr.head.repo?.full_name ? { headRepo: pr.head.repo.full_name } : {}) },
    reviews,
    deps: params.deps,
    log: params.log,
  });
  return {
    pullRequest: { repository: `${source.owner}/${source.repo}`, number: pr.number, title: pr.title, url: pr.html_url, ...(pr.user?.login ? { author: pr.user.login } : {}) },
    approvedBy: decision.approvedBy,
    notfall: decision.notfall,
  };
}

export interface PublicationDeps {
  readonly cache: SnapshotCache;
  readonly limits: ArchiveLimits;
  /** The app's identity: recognises freigabe's own commits (promotion branches, rendered branches). */
  readonly identity?: IdentityResolver;
}

export interface PublishCommitParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly defaultBranch: string;
  /** A commit on the default branch. */
  readonly sha: string;
  readonly deps: PublicationDeps;
  /** push: trust the trailers (re-delivery, late delivery); reconcile: compare trees only. */
  readonly trustTrailers: boolean;
  /** The estate repository's `clone_url` as GitHub reports it (payload or `GET /repos`). */
  readonly cloneUrl?: string;
}

export type PublishCommitResult =
  | { readonly ok: true; readonly estate: Estate; readonly snapshot: Snapshot; readonly stages: readonly StagePublication[]; readonly deployments: readonly DeploymentRecord[]; readonly audit: () => Promise<AuditInfo> }
  | { readonly ok: false; readonly reason: 'archive-too-large' | 'settings-broken' | 'estate-errors' | 'render-errors'; readonly diagnostics?: readonly Diagnostic[] };

/**
 * 1. fetch the snapshot (one tarball, cached)  2. load and render (pure)  3. publish every
 * stage  4. one deployment per changed Fachverfahren and stage.
 *
 * A default branch with errors is not published: the renderer leaves a failing directory out,
 * and publishing that would delete the Fachverfahren from the branch and let Argo CD / Flux
 * prune it. The pull-request checks keep errors off the default branch; if one gets there by a
 * direct push, the rendered branches stay as they were until it is fixed.
 */
export async function publishCommit(params: PublishCommitParams): Promise<PublishCommitResult> {
  const { octokit, log, owner, repo, sha, deps } = params;
  const source = { owner, repo };
  const read = await readSnapshot({ octokit, owner, repo, sha, scope: [], cache: deps.cache, limits: deps.limits });
  if (!read.ok) {
    log.error({ sha, exceeded: read.exceeded }, 'freigabe cannot publish: repository archive too large');
    return { ok: false, reason: 'archive-too-large' };
  }
  const settings = loadSettings(read.snapshot);
  if (settings.diagnostics.length > 0) {
    log.error({ sha, findings: settings.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`) }, 'freigabe cannot publish: broken settings file');
    return { ok: false, reason: 'settings-broken', diagnostics: settings.diagnostics };
  }
  // Loading and rendering a large estate take seconds: in slices, so webhooks are answered meanwhile.
  const loaded = await loadEstateInSlices({ snapshot: read.snapshot, settings: settings.value }, yieldToEventLoop);
  if (hasErrors(loaded.diagnostics)) {
    log.error({ sha, findings: loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.code}`) }, 'freigabe does not publish a default branch with errors');
    return { ok: false, reason: 'estate-errors', diagnostics: loaded.diagnostics };
  }
  const estate = loaded.value;
  const out = outputRepository(estate.settings, source);
  const render = await renderEstateInSlices({ estate, repoURL: cloneUrlOf({ ...(params.cloneUrl ? { sourceCloneUrl: params.cloneUrl } : {}), source, target: out }) }, yieldToEventLoop);
  if (hasErrors(render.diagnostics)) {
    log.error({ sha, findings: render.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.code}`) }, 'freigabe does not publish a render with errors');
    return { ok: false, reason: 'render-errors', diagnostics: render.diagnostics };
  }

  let audit: AuditInfo | undefined;
  const auditOf = async (): Promise<AuditInfo> => (audit ??= await fetchAuditInfo({ octokit, source, sha, defaultBranch: params.defaultBranch, deps, log }));
  // Bulk work: a pull request's feedback goes first in the write queue (write-budget.ts).
  const { stages, deployments } = await withWritePriority('bulk', async () => {
    const stages = await publishEstate({ octokit, source, sha, estate, rendered: render.files, audit: auditOf, log, trustTrailers: params.trustTrailers });
    const deployments = stages.some((s) => s.commit) ? await createDeployments({ octokit, publications: stages, estate, sha, audit: await auditOf(), log }) : [];
    return { stages, deployments };
  });
  return { ok: true, estate, snapshot: read.snapshot, stages, deployments, audit: auditOf };
}

const ZERO_SHA = /^0+$/;

export interface PushLike {
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly deleted?: boolean;
  readonly repository: { readonly name: string; readonly owner: { readonly login?: string; readonly name?: string | null } | null; readonly default_branch?: string; readonly master_branch?: string; readonly clone_url?: string };
}

export interface HandlePushParams {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly payload: PushLike;
  readonly deps: PublicationDeps;
}

export interface PushResult {
  readonly published?: PublishCommitResult;
  readonly promotions: readonly PromotionPrResult[];
}

/**
 * A push to the default branch: publish it, then propose the next stage for every stage whose
 * images changed from `before` to `after`. Pushes to other branches are not ours.
 */
export async function handlePush(params: HandlePushParams): Promise<PushResult> {
  const { octokit, log, payload, deps } = params;
  const owner = payload.repository.owner?.login ?? payload.repository.owner?.name ?? '';
  const repo = payload.repository.name;
  const defaultBranch = payload.repository.default_branch ?? payload.repository.master_branch ?? 'main';
  if (payload.ref !== `refs/heads/${defaultBranch}` || payload.deleted || ZERO_SHA.test(payload.after)) return { promotions: [] };

  const cloneUrl = payload.repository.clone_url;
  const published = await countPublication(publishCommit({ octokit, log, owner, repo, defaultBranch, sha: payload.after, deps, trustTrailers: true, ...(cloneUrl ? { cloneUrl } : {}) }));
  if (!published.ok || ZERO_SHA.test(payload.before)) return { published, promotions: [] };
  const promotions = await proposePromotions({ octokit, log, owner, repo, defaultBranch, before: payload.before, after: payload.after, published, deps });
  return { published, promotions };
}

export interface ProposePromotionsParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly defaultBranch: string;
  /** The default-branch commit before the change, and the published one after it. */
  readonly before: string;
  readonly after: string;
  readonly published: Extract<PublishCommitResult, { ok: true }>;
  readonly deps: PublicationDeps;
}

/**
 * After `after` was published: open or refresh a promotion pull request for the next stage of
 * every stage whose images changed from `before` (a push's before, or the source a
 * reconciliation found on the rendered branch).
 */
export async function proposePromotions(params: ProposePromotionsParams): Promise<PromotionPrResult[]> {
  const { octokit, log, owner, repo, defaultBranch, published, deps } = params;
  const settings = published.estate.settings;
  const base = await readSnapshot({ octokit, owner, repo, sha: params.before, scope: [`${settings.root}/`, `${settings.templates}/`], cache: deps.cache, limits: deps.limits });
  if (!base.ok) return [];
  const baseEstate = loadEstate({ snapshot: base.snapshot, settings }).value;
  const changes = imageChanges({ base: baseEstate, head: published.estate }).filter((c) => nextStage(published.estate, c.stage) !== undefined);
  const promotions: PromotionPrResult[] = [];
  if (changes.length === 0) return promotions;
  const context = async () => {
    const audit = await published.audit();
    return { ...(audit.pullRequest ? { source: audit.pullRequest } : {}), exclude: audit.pullRequest?.author ? [audit.pullRequest.author] : [] };
  };
  for (const change of changes) {
    promotions.push(
      await withWritePriority('bulk', () =>
        openPromotionPr({ octokit, owner, repo, defaultBranch, headSha: params.after, estate: published.estate, verfahren: change.verfahren, from: change.stage, context, log, ...(deps.identity ? { identity: deps.identity } : {}) }),
      ),
    );
  }
  return promotions;
}
