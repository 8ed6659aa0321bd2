/**
 * What freigabe publishes on a pull request, built from an evaluation's outcome without any
 * I/O: the two check runs, the sticky comment's body (or none), and whom to ask for review.
 */
import type { Diagnostic } from '../../core/diagnostics.js';
import type { Plan } from '../../core/plan.js';
import { findingMessage } from '../../i18n/findings.js';
import { githubText, INTERNAL_ERROR, type Locale } from '../../i18n/github.js';
import { formatApprovalMarkdown, formatFindingsMarkdown, formatPlanMarkdown } from '../../report/markdown.js';
import { ANNOTATION_BATCH, annotationOf, APPROVAL_CHECK, clip, prioritiseAnnotations, VALIDATION_CHECK, type Annotation, type CheckRunContent } from './checks.js';
import { COMMENT_MARKER, COMMENT_MAX_CHARS } from './comment.js';
import type { PullRequestTarget } from '../platform/pull-request.js';
import { reviewRequest, type ReviewRequest } from './reviewers.js';
import type { ArchiveProblem, LimitExceeded } from '../platform/tarball.js';

export interface PullRequestFeedback {
  readonly validation: CheckRunContent;
  readonly approval: CheckRunContent;
  /** Sticky comment body without marker; `createComment` false: only update an existing one. */
  readonly comment?: { readonly body: string; readonly create: boolean };
  readonly reviewRequest?: ReviewRequest;
}

/** Summaries are capped below GitHub's 65,535 characters, with room for a heading. */
const SUMMARY_CHARS = 60_000;

export interface PlannedParams {
  readonly plan: Plan;
  readonly locale: Locale;
  readonly target: PullRequestTarget;
  readonly archiveProblems: readonly ArchiveProblem[];
  /** Files the pull request changed: their findings are annotated first. */
  readonly changedFiles?: ReadonlySet<string>;
  /** Logins who reviewed the head commit (not asked again). */
  readonly reviewedHead?: readonly string[];
}

/**
 * The annotations a check run carries: the ANNOTATION_BATCH most important (one request, no
 * update per further 50), and for the rest a line for the summary naming the command that
 * lists every finding.
 */
export function cappedAnnotations(params: { annotations: readonly Annotation[]; changedFiles?: ReadonlySet<string>; locale: Locale; command: string }): { annotations: Annotation[]; note: string } {
  const sorted = prioritiseAnnotations(params.annotations, params.changedFiles);
  const omitted = sorted.length - ANNOTATION_BATCH;
  if (omitted <= 0) return { annotations: sorted, note: '' };
  return { annotations: sorted.slice(0, ANNOTATION_BATCH), note: `${githubText(params.locale).annotationsOmitted(ANNOTATION_BATCH, omitted, params.command)}\n\n` };
}

export function plannedPublication(params: PlannedParams): PullRequestFeedback {
  const { plan, locale, target } = params;
  const t = githubText(locale);
  const problemAnnotations: Annotation[] = params.archiveProblems.map((p) => ({
    path: p.path,
    start_line: 1,
    end_line: 1,
    annotation_level: 'failure',
    message: t.archiveProblem(p.reason),
    title: `archive-${p.reason}`,
  }));
  const errors = plan.findings.filter((d) => d.severity === 'error').length + problemAnnotations.length;
  const warnings = plan.findings.filter((d) => d.severity === 'warning').length;
  const problemLines = problemAnnotations.map((a) => `- \`${a.path}\`: ${a.message}`).join('\n');
  const capped = cappedAnnotations({
    annotations: [...problemAnnotations, ...plan.findings.map((d) => annotationOf(d, locale))],
    ...(params.changedFiles ? { changedFiles: params.changedFiles } : {}),
    locale,
    command: `freigabe plan --base-ref ${target.baseSha} --head-ref ${target.headSha}`,
  });
  const validation: CheckRunContent = {
    name: VALIDATION_CHECK,
    conclusion: errors > 0 ? 'failure' : 'success',
    title: t.validationTitle(errors, warnings),
    summary: capped.note + (problemLines ? `${problemLines}\n\n` : '') + formatFindingsMarkdown(plan.findings, { locale, maxChars: SUMMARY_CHARS }),
    annotations: capped.annotations,
  };

  const open = plan.approval.requirements.filter((r) => !(r.satisfied ?? (r.approvedBy.length >= r.min && r.blockedBy.length === 0))).length;
  const approval: CheckRunContent = {
    name: APPROVAL_CHECK,
    // action_required: not a defect of the change, a step someone still has to take.
    conclusion: plan.approval.satisfied ? 'success' : 'action_required',
    title: plan.approval.satisfied
      ? plan.approval.requirements.length === 0
        ? t.approvalNoneTitle
        : t.approvalSatisfiedTitle
      : t.approvalMissingTitle(Math.max(open, 1)),
    summary: formatApprovalMarkdown(plan.approval, { locale, decided: true, maxChars: SUMMARY_CHARS }),
  };

  const footer = `\n\n${t.commentFooter(target.headSha)}`;
  const body = formatPlanMarkdown(plan, { locale, decided: true, maxChars: COMMENT_MAX_CHARS - COMMENT_MARKER.length - footer.length - 16 }) + footer;
  return {
    validation,
    approval,
    comment: { body, create: true },
    reviewRequest: reviewRequest({
      owner: target.owner,
      author: target.author,
      approval: plan.approval,
      requestedUsers: target.requestedUsers,
      requestedTeams: target.requestedTeams,
      ...(params.reviewedHead ? { reviewedHead: params.reviewedHead } : {}),
    }),
  };
}

/** Nothing under the estate root, templates or settings changed. */
export function noEstateChangePublication(params: { locale: Locale; root: string; headSha: string }): PullRequestFeedback {
  const t = githubText(params.locale);
  const check = (name: CheckRunContent['name']): CheckRunContent => ({
    name,
    conclusion: 'success',
    title: t.noEstateChangeTitle,
    summary: t.noEstateChangeSummary(params.root),
  });
  return {
    validation: check(VALIDATION_CHECK),
    approval: check(APPROVAL_CHECK),
    // An earlier push may have touched the estate: its comment must not keep saying so.
    comment: { body: t.commentNoEstateChange(params.headSha, params.root), create: false },
  };
}

/** The default branch's settings are broken: nothing can be evaluated until they are fixed. */
export function settingsBrokenPublication(params: { locale: Locale; defaultBranch: string; diagnostics: readonly Diagnostic[] }): PullRequestFeedback {
  const t = githubText(params.locale);
  const lines = params.diagnostics.map((d) => `- \`${d.file}:${d.line}\` ${findingMessage(d, params.locale)}`).join('\n');
  const summary = clip(`${t.settingsBrokenSummary(params.defaultBranch)}\n\n${lines}`, SUMMARY_CHARS);
  const annotations = prioritiseAnnotations(params.diagnostics.map((d) => annotationOf(d, params.locale))).slice(0, ANNOTATION_BATCH);
  return {
    validation: { name: VALIDATION_CHECK, conclusion: 'failure', title: t.settingsBrokenTitle, summary, annotations },
    approval: { name: APPROVAL_CHECK, conclusion: 'failure', title: t.settingsBrokenTitle, summary },
  };
}

export function archiveTooLargePublication(params: { locale: Locale; sha: string; exceeded: LimitExceeded }): PullRequestFeedback {
  const t = githubText(params.locale);
  const summary = t.archiveTooLargeSummary(params.sha, params.exceeded);
  return {
    validation: { name: VALIDATION_CHECK, conclusion: 'failure', title: t.archiveTooLargeTitle, summary },
    approval: { name: APPROVAL_CHECK, conclusion: 'failure', title: t.archiveTooLargeTitle, summary },
  };
}

export function internalErrorPublication(): PullRequestFeedback {
  const check = (name: CheckRunContent['name']): CheckRunContent => ({ name, conclusion: 'failure', title: INTERNAL_ERROR.title, summary: INTERNAL_ERROR.summary });
  return { validation: check(VALIDATION_CHECK), approval: check(APPROVAL_CHECK) };
}
