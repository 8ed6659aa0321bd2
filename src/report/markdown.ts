/**
 * GitHub-flavoured Markdown reports: the sticky pull-request comment (formatPlanMarkdown), and
 * check-run summaries (formatFindingsMarkdown, formatApprovalMarkdown). Pure string building.
 *
 * The output never exceeds `maxChars` (GitHub rejects comments over 65,536 characters): tables
 * are cut row by row and the manifest diff file by file, each cut with a note. Values from the
 * estate are escaped so they cannot break a table, open HTML, or @-mention people.
 */
import type { ApprovalResult } from '../core/approval.js';
import type { Diagnostic, Severity } from '../core/diagnostics.js';
import { blockingFindings } from './json.js';
import type { CostRow, KontingentRow } from '../core/kontingent.js';
import type { SurgeHeadroomRow } from '../core/surge-headroom.js';
import type { ManifestDiff, Plan, StageTitle, Validation } from '../core/plan.js';
import { uiText, type Locale, type UiText } from '../i18n/cli.js';
import { findingMessage } from '../i18n/findings.js';
import { contributorGapsHeading, contributorGapText } from '../i18n/four-eyes.js';
import { changesByStage, costDisplay, kontingentDisplay, surgeDisplay, type SurgeDisplay, componentChangeText, couldStillApprove, requirementStatus, severityCounts } from './format.js';

/** GitHub's limit is 65,536 characters per comment; keep room for a marker the caller adds. */
export const DEFAULT_MAX_CHARS = 65_000;

export interface MarkdownOptions {
  readonly locale: Locale;
  /** Upper bound of the result's length (default 65,000). */
  readonly maxChars?: number;
}

export interface ApprovalMarkdownOptions extends MarkdownOptions {
  /** The approval was decided over reviews (who approved, who blocks), not only listed. */
  readonly decided?: boolean;
}

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

/** Text for a table cell: no line breaks, pipes, HTML or mentions. */
export function escapeCell(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\|*_`~[\]]/g, (m) => `\\${m}`)
    .replace(/@(?=[A-Za-z0-9])/g, '@&#8203;');
}

/** Inline code: safe for any content (backticks in the value get a longer fence). */
export function code(text: string): string {
  const clean = text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\|/g, '¦');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A table whose rows may be cut: heading and header always, rows while they fit. */
interface Block {
  readonly head: string;
  readonly rows: readonly string[];
  /** Text when there are no rows. */
  readonly empty?: string;
  readonly note: (shown: number, total: number) => string;
}

function tableHead(columns: readonly string[], align?: readonly ('l' | 'r')[]): string {
  return `| ${columns.join(' | ')} |\n|${columns.map((_, i) => (align?.[i] === 'r' ? '---:' : '---')).join('|')}|\n`;
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;

function blockMinimum(b: Block, total: number): number {
  return b.head.length + (b.rows.length === 0 ? (b.empty?.length ?? 0) + 2 : b.note(0, total).length + 4) + 1;
}

/** Lays out blocks within `budget` characters, cutting rows from the end of each block that does not fit. */
function packBlocks(blocks: readonly Block[], budget: number): string {
  let out = '';
  const minimums = blocks.map((b) => blockMinimum(b, b.rows.length));
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const reserve = minimums.slice(i + 1).reduce((a, n) => a + n, 0);
    const available = budget - out.length - reserve;
    if (b.rows.length === 0) {
      out += `${b.head}${b.empty ?? ''}\n\n`;
      continue;
    }
    const full = b.head + b.rows.join('') + '\n';
    if (full.length <= available) {
      out += full;
      continue;
    }
    const noteRoom = b.note(b.rows.length, b.rows.length).length + 4;
    let text = b.head;
    let shown = 0;
    for (const r of b.rows) {
      if (text.length + r.length + noteRoom + 1 > available) break;
      text += r;
      shown++;
    }
    out += `${text}\n_${b.note(shown, b.rows.length)}_\n\n`;
  }
  return out;
}

function findingsBlock(findings: readonly Diagnostic[], t: UiText, locale: Locale): Block {
  const c = t.columns;
  const counts = severityCounts(findings);
  return {
    head: `#### ${t.headings.findings} (${t.severityCounts(counts.errors, counts.warnings, counts.infos)})\n\n${
      findings.length > 0 ? tableHead(['', c.location, c.code, c.message]) : ''
    }`,
    rows: findings.map((d) =>
      row([`${SEVERITY_ICON[d.severity]} ${t.severity[d.severity]}`, code(`${d.file}:${d.line}`), code(d.code), escapeCell(findingMessage(d, locale))]),
    ),
    empty: t.noFindings,
    note: t.findingsTruncated,
  };
}

function principals(list: readonly string[], t: UiText): string {
  return list.length > 0 ? list.map(code).join(', ') : t.nobody;
}

function approvalBlock(approval: ApprovalResult, decided: boolean, t: UiText, locale: Locale): Block {
  const c = t.columns;
  const status = (s: 'met' | 'blocked' | 'open'): string =>
    !decided ? '⏳' : s === 'met' ? `✅ ${t.requirementMet}` : s === 'blocked' ? `⛔ ${t.requirementBlocked}` : `⏳ ${t.requirementOpen}`;
  const columns = decided ? [c.status, c.requirement, c.approvers, t.approvedBy, t.blockedBy, t.couldApprove] : [c.status, c.requirement, c.approvers];
  const verdict = approval.requirements.length === 0 ? '' : decided ? (approval.satisfied ? `✅ ${t.approvalSatisfied}\n\n` : `❌ ${t.approvalMissing}\n\n`) : `${t.approvalRequired}\n\n`;
  const gaps = approval.contributorGaps ?? [];
  const gapText = gaps.length > 0 ? `⛔ ${contributorGapsHeading(locale)}\n\n${gaps.map((g) => `- ${escapeCell(contributorGapText(g, locale))}`).join('\n')}\n\n` : '';
  return {
    head: `#### ${t.headings.approval}\n\n${verdict}${gapText}${approval.requirements.length > 0 ? tableHead(columns) : ''}`,
    rows: approval.requirements.map((r) => {
      const s = requirementStatus(r);
      // Decided: whose approval does not count, and why (voided by a content change, another role, four-eyes …).
      const notCounted = decided && (r.notCounted ?? []).length > 0 ? `<br>${t.notCountedLabel}: ${escapeCell(r.notCounted!.map(t.notCounted).join('; '))}` : '';
      const base = [status(s), `${escapeCell(r.reason)}${notCounted}`, `${principals(r.approvers, t)} (${t.needs(r.min)})`];
      return row(decided ? [...base, principals(r.approvedBy, t), principals(r.blockedBy, t), s === 'met' ? t.nobody : principals(couldStillApprove(r), t)] : base);
    }),
    empty: `✅ ${t.approvalNone}`,
    note: t.rowsTruncated,
  };
}

function changesBlock(plan: Plan, t: UiText): Block {
  const c = t.columns;
  const rows: string[] = [];
  for (const group of changesByStage(plan.changes, plan.stages, t)) {
    for (const ch of group.changes) {
      const subject = ch.verfahren !== null ? code(ch.verfahren) : ch.files.map(code).join(', ');
      const components = ch.components.length > 0 ? ch.components.map((k) => `${code(k.name)}: ${escapeCell(componentChangeText(k, t))}`).join('<br>') : '';
      rows.push(row([escapeCell(group.heading), subject, escapeCell(t.changeKind[ch.kind]), components]));
    }
  }
  return {
    head: `#### ${t.headings.changes}\n\n${rows.length > 0 ? tableHead([c.stage, c.verfahren, c.kind, c.component]) : ''}`,
    rows,
    empty: t.noChanges,
    note: t.rowsTruncated,
  };
}

function stageTitle(stage: string | null, stages: readonly StageTitle[], t: UiText): string {
  return stage === null ? t.wholeKontingent : (stages.find((s) => s.name === stage)?.title ?? stage);
}

function kontingentBlock(rows: readonly KontingentRow[], stages: readonly StageTitle[], t: UiText, locale: Locale, state = false): Block {
  const c = t.columns;
  const columns = state ? [c.tenant, c.dimension, c.stage, c.limit, c.used, c.share] : [c.tenant, c.dimension, c.stage, c.limit, c.before, c.after, c.delta];
  return {
    head: `#### ${t.headings.kontingent}\n\n${rows.length > 0 ? tableHead(columns, ['l', 'l', 'l', 'r', 'r', 'r', 'r']) : ''}`,
    rows: rows.map((r) => {
      const d = kontingentDisplay(r, t, locale);
      const lead = [code(r.tenant), escapeCell(d.dimension), escapeCell(stageTitle(r.stage, stages, t)), escapeCell(d.limit)];
      if (!state) return row([...lead, escapeCell(d.before), escapeCell(d.after), escapeCell(d.delta)]);
      const share = d.shareValue;
      return row([...lead, escapeCell(d.after), share === undefined ? '' : `${share > 100 ? '❌ ' : share >= 90 ? '⚠️ ' : ''}${escapeCell(d.share)}`]);
    }),
    empty: t.noKontingent,
    note: t.rowsTruncated,
  };
}

/** The surge headroom beside the Kontingent, only where the platform opted in (platform.yaml rollout). */
function surgeBlocks(rows: readonly SurgeHeadroomRow[] | undefined, stages: readonly StageTitle[], t: UiText, locale: Locale, state = false): Block[] {
  if (!rows || rows.length === 0) return [];
  const c = t.columns;
    const lead = (r: SurgeHeadroomRow, d: SurgeDisplay) => [code(r.tenant), escapeCell(d.dimension), escapeCell(stages.find((s) => s.name === r.stage)?.title ?? r.stage)];
  const columns = state ? [c.tenant, c.dimension, c.stage, c.used] : [c.tenant, c.dimension, c.stage, c.before, c.after, c.delta];
  return [
    {
      head: `#### ${t.surgeHeadroom.heading}\n\n${escapeCell(t.surgeHeadroom.note)}\n\n${tableHead(columns, ['l', 'l', 'l', 'r', 'r', 'r'])}`,
      rows: rows.map((r) => {
        const d = surgeDisplay(r, t, locale);
        return row(state ? [...lead(r, d), escapeCell(d.after)] : [...lead(r, d), escapeCell(d.before), escapeCell(d.after), escapeCell(d.delta)]);
      }),
      empty: t.noKontingent,
      note: t.rowsTruncated,
    },
  ];
}

function costBlock(rows: readonly CostRow[], t: UiText, locale: Locale, state = false): Block {
  const c = t.columns;
  const shown = rows.map((r) => ({ r, d: costDisplay(r, locale) }));
  if (state) {
    return {
      head: `#### ${t.headings.cost}\n\n${rows.length > 0 ? tableHead([c.tenant, c.budget, c.used], ['l', 'r', 'r']) : ''}`,
      rows: shown.map(({ r, d }) => row([code(r.tenant), escapeCell(d.budget), escapeCell(d.after)])),
      empty: t.noKontingent,
      note: t.rowsTruncated,
    };
  }
  return {
    head: `#### ${t.headings.cost}\n\n${rows.length > 0 ? tableHead([c.tenant, c.budget, c.before, c.after, c.delta], ['l', 'r', 'r', 'r', 'r']) : ''}`,
    rows: shown.map(({ r, d }) => row([code(r.tenant), escapeCell(d.budget), escapeCell(d.before), escapeCell(d.after), escapeCell(d.delta)])),
    empty: t.noKontingent,
    note: t.rowsTruncated,
  };
}

/** The manifest diff in a collapsed block, whole files while they fit, then the rest of one file, then a note. */
function diffBlock(manifests: readonly ManifestDiff[], budget: number, t: UiText): string {
  if (manifests.length === 0) return `#### ${t.headings.manifests}\n\n${t.noManifestChanges}\n`;
  const count = (s: ManifestDiff['status']): number => manifests.filter((m) => m.status === s).length;
  const summary = t.manifestSummary(manifests.length, count('added'), count('removed'), count('modified'));
  let longest = 2;
  for (const m of manifests) for (const run of m.diff.matchAll(/`{3,}/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  const open = `#### ${t.headings.manifests}\n\n<details><summary>${escapeCell(summary)}</summary>\n\n${fence}diff\n`;
  const close = `${fence}\n\n</details>\n`;
  const noteRoom = t.truncated(manifests.length, manifests.length).length + 4;
  let body = '';
  let shown = 0;
  const room = budget - open.length - close.length;
  for (const m of manifests) {
    if (body.length + m.diff.length <= room - (shown + 1 < manifests.length ? noteRoom : 0)) {
      body += m.diff;
      shown++;
      continue;
    }
    // Part of this file, cut at a line end, so the reader sees where the diff stops.
    const left = room - noteRoom - body.length;
    if (left > 200) {
      const part = m.diff.slice(0, left);
      const cut = part.lastIndexOf('\n');
      if (cut > 0) body += part.slice(0, cut + 1);
    }
    break;
  }
  if (shown === manifests.length) return open + body + close;
  if (open.length + close.length + noteRoom > budget) return `#### ${t.headings.manifests}\n\n${escapeCell(summary)}\n`.slice(0, Math.max(0, budget));
  return `${open}${body}${close}\n_${t.truncated(shown, manifests.length)}_\n`;
}

function verdictLine(ok: boolean, okText: string, failedText: string): string {
  return ok ? `✅ **${okText}**` : `❌ **${failedText}**`;
}

/**
 * The sticky pull-request comment: verdict, approvals, findings, changed components per stage,
 * Kontingent, cost before/after/delta, and the rendered-manifest diff (collapsed). At most
 * `maxChars` characters (default 65,000).
 */
export function formatPlanMarkdown(plan: Plan, options: MarkdownOptions & { readonly decided?: boolean }): string {
  const t = uiText(options.locale);
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const approvalVerdict =
    plan.approval.requirements.length === 0
      ? `✅ ${t.approvalNone}`
      : options.decided
        ? plan.approval.satisfied
          ? `✅ ${t.approvalSatisfied}`
          : `⏳ ${t.approvalMissing}`
        : `⏳ ${t.approvalsPending(plan.approval.requirements.length)}`;
  const header =
    `### ${t.headings.plan}\n\n${verdictLine(plan.ok, t.planOk, t.planFailed)}\n\n${approvalVerdict}\n\n` +
    (plan.emergency ? `> [!WARNING]\n> **${escapeCell(t.emergency)}**\n\n` : '');
  const blocks = [
    approvalBlock(plan.approval, options.decided ?? false, t, options.locale),
    findingsBlock(plan.findings, t, options.locale),
    changesBlock(plan, t),
    kontingentBlock(plan.kontingent, plan.stages, t, options.locale),
    ...surgeBlocks(plan.surgeHeadroom, plan.stages, t, options.locale),
    costBlock(plan.cost, t, options.locale),
  ];
  // The diff gets what the tables leave, but the tables never take the diff's minimum away.
  const diffMinimum = Math.min(2_000, Math.floor(max / 4));
  const tables = packBlocks(blocks, max - header.length - diffMinimum);
  const out = header + tables + diffBlock(plan.manifests, max - header.length - tables.length, t);
  return out.length <= max ? out : out.slice(0, max);
}

/** Findings as a Markdown table, for check-run summaries; at most `maxChars`. */
export function formatFindingsMarkdown(findings: readonly Diagnostic[], options: MarkdownOptions): string {
  const t = uiText(options.locale);
  const out = packBlocks([findingsBlock(findings, t, options.locale)], options.maxChars ?? DEFAULT_MAX_CHARS);
  return out.length <= (options.maxChars ?? DEFAULT_MAX_CHARS) ? out : out.slice(0, options.maxChars ?? DEFAULT_MAX_CHARS);
}

/** Approval requirements (or the decision) as Markdown, for the `freigabe/approval` check run. */
export function formatApprovalMarkdown(approval: ApprovalResult, options: ApprovalMarkdownOptions): string {
  const t = uiText(options.locale);
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const out = packBlocks([approvalBlock(approval, options.decided ?? false, t, options.locale)], max);
  return out.length <= max ? out : out.slice(0, max);
}

/** `freigabe validate --format markdown`. */
export function formatValidationMarkdown(v: Validation, options: MarkdownOptions): string {
  const t = uiText(options.locale);
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const header = `### ${t.headings.validation}\n\n${verdictLine(v.ok, t.validationOk, t.validationFailed)}\n\n`;
  const out = header + packBlocks([findingsBlock(v.findings, t, options.locale), kontingentBlock(v.kontingent, v.stages, t, options.locale, true), ...surgeBlocks(v.surgeHeadroom, v.stages, t, options.locale, true), costBlock(v.cost, t, options.locale, true)], max - header.length);
  return out.length <= max ? out : out.slice(0, max);
}

/** `freigabe gate --format markdown`. */
export function formatGateMarkdown(plan: Plan, options: MarkdownOptions): string {
  const t = uiText(options.locale);
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const header = `### ${t.headings.gate}\n\n${plan.emergency ? `> [!WARNING]\n> **${escapeCell(t.emergency)}**\n\n` : ''}`;
  const blocking = blockingFindings(plan);
  const blocks = [...(blocking.length > 0 ? [findingsBlock(blocking, t, options.locale)] : []), approvalBlock(plan.approval, true, t, options.locale), changesBlock(plan, t)];
  const out = header + packBlocks(blocks, max - header.length);
  return out.length <= max ? out : out.slice(0, max);
}
