/**
 * The two check runs branch protection requires. Names are a contract (CONTRACTS.md).
 * GitHub takes at most 50 annotations per request and appends them on every update: a run
 * carries at most 50 (the most important), the rest is counted in its summary.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from '../../core/diagnostics.js';
import { findingMessage } from '../../i18n/findings.js';
import type { Locale } from '../../i18n/github.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';

export const VALIDATION_CHECK = 'freigabe/validation';
export const APPROVAL_CHECK = 'freigabe/approval';

/**
 * The one place check-run names are made. A check run belongs to a commit, not to a pull
 * request, and branch protection reads it by name: so only pull requests into the default
 * branch post the protected names; a pull request into any other branch posts
 * `freigabe/validation (into <base>)`, and can never set the default branch's required checks.
 */
export function checkRunName(check: typeof VALIDATION_CHECK | typeof APPROVAL_CHECK, target: { readonly baseRef: string; readonly defaultBranch: string }): string {
  return target.baseRef === target.defaultBranch ? check : `${check} (into ${target.baseRef})`;
}
export const ANNOTATION_BATCH = 50;
/** GitHub's limit for output.summary and output.text. */
export const OUTPUT_MAX_CHARS = 65_535;
const MESSAGE_MAX_CHARS = 4_000;

export type Conclusion = 'success' | 'failure' | 'neutral' | 'action_required';

export interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title: string;
}

export interface CheckRunContent {
  /** VALIDATION_CHECK or APPROVAL_CHECK, made base-qualified by checkRunName before publishing. */
  readonly name: string;
  readonly conclusion: Conclusion;
  readonly title: string;
  readonly summary: string;
  readonly annotations?: readonly Annotation[];
  readonly detailsUrl?: string;
}

const LEVEL: Record<Severity, Annotation['annotation_level']> = { error: 'failure', warning: 'warning', info: 'notice' };

export function annotationOf(d: Diagnostic, locale: Locale): Annotation {
  return {
    path: d.file,
    start_line: d.line,
    end_line: d.line,
    annotation_level: LEVEL[d.severity],
    message: clip(findingMessage(d, locale), MESSAGE_MAX_CHARS),
    title: d.code,
  };
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Most important first: errors, then warnings, then notices; within a level, findings in files
 * the pull request changed before the others; then by file and line. Stable for equal keys.
 */
export function prioritiseAnnotations(annotations: readonly Annotation[], changedFiles: ReadonlySet<string> = new Set()): Annotation[] {
  const rank = { failure: 0, warning: 1, notice: 2 } as const;
  return annotations
    .map((a, i) => ({ a, i }))
    .sort((x, y) =>
      rank[x.a.annotation_level] - rank[y.a.annotation_level] ||
      Number(!changedFiles.has(x.a.path)) - Number(!changedFiles.has(y.a.path)) ||
      (x.a.path < y.a.path ? -1 : x.a.path > y.a.path ? 1 : 0) ||
      x.a.start_line - y.a.start_line ||
      x.i - y.i,
    )
    .map((x) => x.a);
}

/** One check run as `GET /commits/{ref}/check-runs` lists it (the fields we read). */
interface ListedRun {
  readonly id: number;
  readonly status: string;
  readonly app?: { readonly id?: number } | null;
  readonly output: { readonly summary?: string | null; readonly annotations_count?: number };
}

/**
 * Our fingerprint of a run's content, hidden at the end of its summary (GitHub renders no HTML
 * comment): equal content → no write; equal annotations → an update needs not resend them.
 */
const FINGERPRINT = /<!-- freigabe:content=([0-9a-f]{16}) annotations=([0-9a-f]{16}) -->\s*$/;

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * The app's own id, from its installation authentication (a locally signed JWT, no request);
 * undefined for a token without app (tests with a plain token, the benchmark).
 */
export async function ownAppId(octokit: GitHubClient): Promise<number | undefined> {
  try {
    const auth = (await (octokit.auth as (o: { type: 'app' }) => Promise<unknown>)({ type: 'app' })) as { appId?: unknown };
    const id = Number(auth?.appId);
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

export interface PublishCheckRunParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly headSha: string;
  readonly run: CheckRunContent;
  /** Our app (ownAppId): runs of other apps with the same name are never reused. */
  readonly appId?: number;
}

export type CheckRunWrite = 'created' | 'updated' | 'unchanged';

/**
 * One check run per name and head commit, written only when its content changed:
 *   1. read   our latest run of this name on the head commit (one GET, filtered by name and app)
 *   2. none → create it; same fingerprint → nothing; otherwise update it in place.
 * GitHub appends annotations on every update, so a run whose annotations changed and that
 * already has some is superseded by a new run instead (GitHub shows the newest per name).
 * At most ANNOTATION_BATCH annotations are sent: the caller chooses the most important ones
 * and says in the summary how many more there are.
 */
export async function publishCheckRun(params: PublishCheckRunParams): Promise<{ readonly id: number; readonly write: CheckRunWrite }> {
  const { octokit, owner, repo, headSha, run, appId } = params;
  const annotations = (run.annotations ?? []).slice(0, ANNOTATION_BATCH) as Annotation[];
  const annotationsPrint = hash(annotations);
  const contentPrint = hash({ c: run.conclusion, t: run.title, s: run.summary, d: run.detailsUrl ?? null, a: annotationsPrint });
  const marker = `\n\n<!-- freigabe:content=${contentPrint} annotations=${annotationsPrint} -->`;
  const output = { title: clip(run.title, 255), summary: clip(run.summary, OUTPUT_MAX_CHARS - marker.length) + marker };
  const details = run.detailsUrl ? { details_url: run.detailsUrl } : {};

  const { data } = await octokit.rest.checks.listForRef({ owner, repo, ref: headSha, check_name: run.name, filter: 'latest', per_page: 10, ...(appId ? { app_id: appId } : {}) });
  // Without our app id (a plain token), only a run carrying our fingerprint counts as ours.
  const existing = (data.check_runs as ListedRun[]).find((r) => (appId === undefined ? FINGERPRINT.test(r.output.summary ?? '') : r.app?.id === appId));
  const previous = FINGERPRINT.exec(existing?.output.summary ?? '');
  if (existing && existing.status === 'completed' && previous?.[1] === contentPrint) return { id: existing.id, write: 'unchanged' };

  const sameAnnotations = previous?.[2] === annotationsPrint || (annotations.length === 0 && (existing?.output.annotations_count ?? 0) === 0);
  if (existing && (sameAnnotations || (existing.output.annotations_count ?? 0) === 0)) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: existing.id,
      status: 'completed',
      conclusion: run.conclusion,
      ...details,
      output: sameAnnotations ? output : { ...output, annotations },
    });
    return { id: existing.id, write: 'updated' };
  }
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: run.name,
    head_sha: headSha,
    status: 'completed',
    conclusion: run.conclusion,
    ...details,
    output: { ...output, annotations },
  });
  return { id: created.data.id, write: 'created' };
}
