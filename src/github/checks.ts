/**
 * The two check runs branch protection requires. Names are a contract (CONTRACTS.md).
 * GitHub takes at most 50 annotations per request: the run is created with the first 50
 * and updated with the rest, 50 at a time (updates append).
 */
import type { Diagnostic, Severity } from '../core/diagnostics.js';
import { findingMessage } from '../i18n/findings.js';
import type { Locale } from '../i18n/github.js';
import type { GitHubClient, RepoRef } from './github-client.js';

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

export interface PublishCheckRunParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly headSha: string;
  readonly run: CheckRunContent;
}

/** Creates the completed check run, then appends the remaining annotations in batches. Returns its id. */
export async function publishCheckRun(params: PublishCheckRunParams): Promise<number> {
  const { octokit, owner, repo, headSha, run } = params;
  const annotations = run.annotations ?? [];
  const output = { title: clip(run.title, 255), summary: clip(run.summary, OUTPUT_MAX_CHARS) };
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: run.name,
    head_sha: headSha,
    status: 'completed',
    conclusion: run.conclusion,
    ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
    output: { ...output, annotations: annotations.slice(0, ANNOTATION_BATCH) as Annotation[] },
  });
  for (let i = ANNOTATION_BATCH; i < annotations.length; i += ANNOTATION_BATCH) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      output: { ...output, annotations: annotations.slice(i, i + ANNOTATION_BATCH) as Annotation[] },
    });
  }
  return created.data.id;
}
