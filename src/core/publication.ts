/**
 * Publication after a merge: which files of a stage's rendered tree differ from what the
 * rendered branch holds, the commit message with its audit trailers, and reading the trailers
 * back. Pure: the GitHub adapter (src/github/publication/publish.ts) does the Git Data API calls and the CLI
 * (src/cli/audit.ts) reads `git log`.
 */
import { runSteps, runStepsInSlices } from './slices.js';
import { createHash } from 'node:crypto';
import { cmp } from './diagnostics.js';

/** The trailer keys; stable, because auditors grep for them. */
export const TRAILER = {
  source: 'Freigabe-Source',
  pullRequest: 'Freigabe-Pull-Request',
  approvedBy: 'Freigabe-Approved-By',
  notfall: 'Freigabe-Notfall',
  stage: 'Freigabe-Stage',
  /** On a promotion commit: who ran `/freigabe promote` (they cannot approve it). */
  requestedBy: 'Freigabe-Requested-By',
} as const;

/** Directory of the stage-wide objects (Argo CD ApplicationSet, Flux objects). */
export const BOOTSTRAP_DIR = '_bootstrap';

const encoder = new TextEncoder();

/** Git's object id of a blob with this content, so unchanged files need no upload and no download. */
export function gitBlobSha(text: string): string {
  const body = encoder.encode(text);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/**
 * The files of one stage from renderEstate's output, keyed relative to the stage directory
 * ('<verfahren>/<file>.yaml', '_bootstrap/<file>.yaml').
 */
export function stageFiles(rendered: ReadonlyMap<string, string>, stage: string): Map<string, string> {
  const prefix = `${stage}/`;
  const out = new Map<string, string>();
  for (const path of [...rendered.keys()].sort(cmp)) {
    if (path.startsWith(prefix)) out.set(path.slice(prefix.length), rendered.get(path)!);
  }
  return out;
}

/** Stages present in renderEstate's output. */
export function renderedStages(rendered: ReadonlyMap<string, string>): string[] {
  return [...new Set([...rendered.keys()].map((p) => p.slice(0, p.indexOf('/'))).filter((s) => s !== ''))].sort(cmp);
}

/** One entry of GET /repos/{o}/{r}/git/trees/{sha}?recursive=1 (the fields we read). */
export interface TreeEntry {
  readonly path: string;
  readonly type: string;
  readonly sha: string;
  readonly mode?: string;
}

export interface FileUpsert {
  /** Full path in the target tree (with the directory prefix). */
  readonly path: string;
  readonly text: string;
  readonly sha: string;
}

export interface StageTreeDiff {
  readonly upserts: readonly FileUpsert[];
  /** Full paths of blobs to remove. */
  readonly deletions: readonly string[];
  /** Fachverfahren directories whose content changed (without '_bootstrap'), sorted. */
  readonly verfahren: readonly string[];
  /** True when the bootstrap objects changed. */
  readonly bootstrap: boolean;
  readonly unchanged: boolean;
}

export interface StageTreeDiffParams {
  /** Wanted content, relative to the stage directory (see stageFiles). */
  readonly files: ReadonlyMap<string, string>;
  /** What the target branch holds now (recursive tree); empty for a missing branch. */
  readonly current: readonly TreeEntry[];
  /** '' on a rendered branch; '<stage>/' in a deploy repository. Everything below it is ours. */
  readonly prefix: string;
}

/**
 * Compares the wanted stage tree with the branch tree by blob id. Everything under the prefix
 * is owned by freigabe: a file that is no longer rendered is deleted, so a removed
 * Fachverfahren disappears from the cluster (Argo CD / Flux prune).
 */
export function diffStageTree(params: StageTreeDiffParams): StageTreeDiff {
  return runSteps(diffSteps(params));
}

/** The same comparison in slices (src/core/slices.ts): `pause` runs after every `sliceMs` of hashing. */
export function diffStageTreeInSlices(params: StageTreeDiffParams, pause: () => Promise<void>, sliceMs?: number, now?: () => number): Promise<StageTreeDiff> {
  return runStepsInSlices(diffSteps(params), pause, sliceMs, now);
}

/** diffStageTree as a generator: it yields after each file it hashes. */
function* diffSteps(params: StageTreeDiffParams): Generator<void, StageTreeDiff> {
  const { files, current, prefix } = params;
  const existing = new Map<string, string>();
  for (const e of current) {
    if (e.type === 'blob' && e.path.startsWith(prefix)) existing.set(e.path, e.sha);
  }
  const upserts: FileUpsert[] = [];
  const touched = new Set<string>();
  for (const [rel, text] of [...files.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const path = prefix + rel;
    const sha = gitBlobSha(text);
    if (existing.get(path) !== sha) {
      upserts.push({ path, text, sha });
      touched.add(rel);
    }
    yield;
  }
  const deletions: string[] = [];
  for (const path of [...existing.keys()].sort(cmp)) {
    const rel = path.slice(prefix.length);
    if (!files.has(rel)) {
      deletions.push(path);
      touched.add(rel);
    }
  }
  const dirs = new Set([...touched].map((rel) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '')));
  return {
    upserts,
    deletions,
    verfahren: [...dirs].filter((d) => d !== '' && d !== BOOTSTRAP_DIR).sort(cmp),
    bootstrap: dirs.has(BOOTSTRAP_DIR),
    unchanged: upserts.length === 0 && deletions.length === 0,
  };
}

export interface Approver {
  readonly login: string;
  /** ISO 8601 time of the review. */
  readonly at: string;
  /** The commit the approval was given on. */
  readonly sha: string;
}

export interface AuditRecord {
  readonly source?: string;
  /** 'owner/repo#n' */
  readonly pullRequest?: string;
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
  readonly stage?: string;
}

export interface CommitMessageParams {
  readonly stage: string;
  /** Stage title for the subject line (e.g. 'Produktion'); defaults to the name. */
  readonly stageTitle?: string;
  readonly source: string;
  readonly pullRequest?: { readonly repository: string; readonly number: number; readonly title?: string };
  readonly approvedBy: readonly Approver[];
  readonly notfall: boolean;
  readonly verfahren: readonly string[];
  readonly bootstrap?: boolean;
  readonly locale?: 'de' | 'en';
}

/** A trailer value must stay on one line and must not end the trailer block early. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/**
 * Subject, a short body naming the changed Fachverfahren, then the trailer block (git trailer
 * format: the last paragraph, one `Key: value` per line) that `freigabe audit` and
 * `git log --format=%(trailers)` read.
 */
export function commitMessage(params: CommitMessageParams): string {
  const en = params.locale === 'en';
  const short = params.source.slice(0, 12);
  const title = oneLine(params.stageTitle ?? params.stage);
  const pr = params.pullRequest;
  const subject = en
    ? `freigabe: render ${title} from ${short}${pr ? ` (#${pr.number})` : ''}`
    : `freigabe: ${title} aus ${short} gerendert${pr ? ` (#${pr.number})` : ''}`;
  const body: string[] = [];
  if (pr?.title) body.push(`${en ? 'Pull request' : 'Pull Request'}: ${oneLine(pr.title)}`);
  if (params.verfahren.length > 0) body.push(`Fachverfahren: ${params.verfahren.join(', ')}`);
  if (params.bootstrap) body.push(en ? 'Bootstrap objects changed.' : 'Bootstrap-Objekte geändert.');
  if (params.notfall) body.push(en ? 'Emergency change (Notfalländerung).' : 'Notfalländerung.');
  const trailers = [`${TRAILER.source}: ${params.source}`];
  if (pr) trailers.push(`${TRAILER.pullRequest}: ${oneLine(pr.repository)}#${pr.number}`);
  for (const a of params.approvedBy) trailers.push(`${TRAILER.approvedBy}: ${oneLine(a.login)} ${oneLine(a.at)} ${oneLine(a.sha)}`);
  if (params.notfall) trailers.push(`${TRAILER.notfall}: true`);
  trailers.push(`${TRAILER.stage}: ${oneLine(params.stage)}`);
  return [subject, ...(body.length > 0 ? ['', ...body] : []), '', ...trailers, ''].join('\n');
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/;

/** The trailers of a commit message: the key/value lines of its last paragraph. */
export function trailerLines(message: string): Array<[string, string]> {
  const paragraphs = message.replace(/\r\n/g, '\n').trim().split(/\n\s*\n/);
  if (paragraphs.length < 2) return [];
  const last = paragraphs[paragraphs.length - 1].split('\n');
  const out: Array<[string, string]> = [];
  for (const line of last) {
    const m = TRAILER_LINE.exec(line.trim());
    if (!m) return [];
    out.push([m[1], m[2].trim()]);
  }
  return out;
}

/** Reads freigabe's trailers back (case-insensitive keys, like git). Unknown trailers are ignored. */
export function parseTrailers(message: string): AuditRecord {
  let source: string | undefined;
  let pullRequest: string | undefined;
  let stage: string | undefined;
  let notfall = false;
  const approvedBy: Approver[] = [];
  for (const [key, value] of trailerLines(message)) {
    switch (key.toLowerCase()) {
      case TRAILER.source.toLowerCase():
        source = value;
        break;
      case TRAILER.pullRequest.toLowerCase():
        pullRequest = value;
        break;
      case TRAILER.stage.toLowerCase():
        stage = value;
        break;
      case TRAILER.notfall.toLowerCase():
        notfall = value.toLowerCase() === 'true';
        break;
      case TRAILER.approvedBy.toLowerCase(): {
        const [login = '', at = '', sha = ''] = value.split(/\s+/);
        if (login) approvedBy.push({ login, at, sha });
        break;
      }
    }
  }
  return {
    ...(source ? { source } : {}),
    ...(pullRequest ? { pullRequest } : {}),
    approvedBy,
    notfall,
    ...(stage ? { stage } : {}),
  };
}

/** Fachverfahren directories named by changed paths (relative to the stage), without '_bootstrap'. */
export function verfahrenOfPaths(paths: readonly string[], prefix = ''): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(prefix)) continue;
    const rel = p.slice(prefix.length);
    const slash = rel.indexOf('/');
    if (slash > 0 && rel.slice(0, slash) !== BOOTSTRAP_DIR) dirs.add(rel.slice(0, slash));
  }
  return [...dirs].sort(cmp);
}

/**
 * One `POST /git/trees` entry: new content inline (GitHub writes the blob itself, so there is
 * no request per file) or `sha: null` to delete.
 */
export type TreeWrite =
  | { readonly path: string; readonly mode: '100644'; readonly type: 'blob'; readonly content: string }
  | { readonly path: string; readonly mode: '100644'; readonly type: 'blob'; readonly sha: null };

/**
 * Bound of one tree request. GitHub documents no limit for `POST /git/trees`, but every REST
 * request must finish within GitHub's 10-second timeout and very large bodies are refused;
 * 4 MiB of content and 5,000 entries stay far below both, and still carry a stage of 1,000
 * Fachverfahren in a handful of requests.
 */
export interface TreeBatchBounds {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

export const TREE_BATCH_BOUNDS: TreeBatchBounds = { maxBytes: 4 * 1024 * 1024, maxEntries: 5_000 };

/**
 * The tree entries of a stage diff, cut into requests of bounded size (in path order, deletions
 * last). Each batch is sent with the previous batch's tree as `base_tree`. An entry larger than
 * the byte bound gets a request of its own.
 */
export function treeBatches(diff: Pick<StageTreeDiff, 'upserts' | 'deletions'>, bounds: TreeBatchBounds = TREE_BATCH_BOUNDS): TreeWrite[][] {
  const entries: TreeWrite[] = [
    ...diff.upserts.map((u): TreeWrite => ({ path: u.path, mode: '100644', type: 'blob', content: u.text })),
    ...diff.deletions.map((path): TreeWrite => ({ path, mode: '100644', type: 'blob', sha: null })),
  ];
  const batches: TreeWrite[][] = [];
  let current: TreeWrite[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = e.path.length + ('content' in e ? encoder.encode(e.content).length : 0);
    if (current.length > 0 && (current.length >= bounds.maxEntries || bytes + size > bounds.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
