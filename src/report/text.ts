/**
 * Plain-text reports for a terminal. Colour is a parameter, decided by the caller (the CLI
 * colours only a TTY), so these functions stay pure.
 */
import { styleText } from 'node:util';
import type { ApprovalResult } from '../core/approval.js';
import type { Diagnostic, Severity } from '../core/diagnostics.js';
import { blockingFindings } from './json.js';
import type { CostRow, KontingentRow } from '../core/kontingent.js';
import type { SurgeHeadroomRow } from '../core/surge-headroom.js';
import type { ManifestDiff, Plan, StageTitle, Validation } from '../core/plan.js';
import { uiText, type Locale, type UiText } from '../i18n/cli.js';
import { findingMessage } from '../i18n/findings.js';
import { contributorGapsHeading, contributorGapText } from '../i18n/four-eyes.js';
import { changesByStage, costDisplay, kontingentDisplay, surgeDisplay, componentChangeText, couldStillApprove, requirementStatus, severityCounts } from './format.js';

export interface TextOptions {
  readonly locale: Locale;
  /** ANSI colours (only for a terminal). */
  readonly color?: boolean;
}

type Style = Parameters<typeof styleText>[0];

class Painter {
  constructor(readonly enabled: boolean) {}
  paint(style: Style, text: string): string {
    // The caller decided (TTY, NO_COLOR, FORCE_COLOR); styleText must not second-guess it against process.stdout.
    return this.enabled && text !== '' ? styleText(style, text, { validateStream: false }) : text;
  }
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'blue' };

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const width = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(width[i] + c.length - [...c].length) : c.padEnd(width[i] + c.length - [...c].length)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const indent = (lines: readonly string[], by = '  '): string[] => lines.map((l) => (l === '' ? l : by + l));

/** One line per finding, compiler style: `file:line: Fehler [code] message`. */
export function formatFindingsText(findings: readonly Diagnostic[], options: TextOptions): string {
  const t = uiText(options.locale);
  const p = new Painter(options.color ?? false);
  if (findings.length === 0) return `${t.noFindings}\n`;
  const lines = findings.map(
    (d) =>
      `${p.paint('bold', `${d.file}:${d.line}`)}: ${p.paint(SEVERITY_STYLE[d.severity], t.severity[d.severity])} ${p.paint('dim', `[${d.code}]`)} ${findingMessage(d, options.locale)}`,
  );
  const c = severityCounts(findings);
  lines.push(t.severityCounts(c.errors, c.warnings, c.infos));
  return `${lines.join('\n')}\n`;
}

function kontingentLines(rows: readonly KontingentRow[], stages: readonly StageTitle[], t: UiText, p: Painter, locale: Locale, state = false): string[] {
  if (rows.length === 0) return [t.noKontingent];
  const c = t.columns;
  const stageTitle = (s: string | null): string => (s === null ? t.wholeKontingent : (stages.find((x) => x.name === s)?.title ?? s));
  if (state) {
    // One state (validate): how much of the Kontingent is used.
    return table(
      [c.tenant, c.dimension, c.stage, c.limit, c.used, c.share],
      rows.map((r) => {
        const d = kontingentDisplay(r, t, locale);
        const share = d.shareValue;
        return [r.tenant, d.dimension, stageTitle(r.stage), d.limit, d.after, share !== undefined && share > 100 ? p.paint('red', d.share) : share !== undefined && share >= 90 ? p.paint('yellow', d.share) : d.share];
      }),
      new Set([3, 4, 5]),
    );
  }
  return table(
    [c.tenant, c.dimension, c.stage, c.limit, c.before, c.after, c.delta],
    rows.map((r) => {
      const d = kontingentDisplay(r, t, locale);
      return [r.tenant, d.dimension, stageTitle(r.stage), d.limit, d.before, d.after, deltaText(r.delta, d.delta, p)];
    }),
    new Set([3, 4, 5, 6]),
  );
}

/** The surge headroom beside the Kontingent, only where the platform opted in (platform.yaml rollout). */
function surgeSection(rows: readonly SurgeHeadroomRow[] | undefined, stages: readonly StageTitle[], t: UiText, p: Painter, locale: Locale, state = false): string[] {
  if (!rows || rows.length === 0) return [];
  const c = t.columns;
  const stageTitle = (s: string): string => stages.find((x) => x.name === s)?.title ?? s;
  const shown = rows.map((r) => ({ r, d: surgeDisplay(r, t, locale) }));
  const body = state
    ? table([c.tenant, c.dimension, c.stage, c.used], shown.map(({ r, d }) => [r.tenant, d.dimension, stageTitle(r.stage), d.after]), new Set([3]))
    : table([c.tenant, c.dimension, c.stage, c.before, c.after, c.delta], shown.map(({ r, d }) => [r.tenant, d.dimension, stageTitle(r.stage), d.before, d.after, deltaText(r.delta, d.delta, p)]), new Set([3, 4, 5]));
  return section(t.surgeHeadroom.heading, [...body, t.surgeHeadroom.note], p);
}

/** The shown delta, coloured by the sign of the exact one: more is yellow, less green. */
function deltaText(exact: string, shown: string, p: Painter): string {
  if (/^0(\.0+)?$/.test(exact)) return shown;
  return exact.startsWith('-') ? p.paint('green', shown) : p.paint('yellow', shown);
}

function costLines(rows: readonly CostRow[], t: UiText, p: Painter, locale: Locale, state = false): string[] {
  if (rows.length === 0) return [t.noKontingent];
  const c = t.columns;
  const shown = rows.map((r) => ({ r, d: costDisplay(r, locale) }));
  if (state) return table([c.tenant, c.budget, c.used], shown.map(({ r, d }) => [r.tenant, d.budget, d.after]), new Set([1, 2]));
  return table(
    [c.tenant, c.budget, c.before, c.after, c.delta],
    shown.map(({ r, d }) => [r.tenant, d.budget, d.before, d.after, deltaText(r.delta, d.delta, p)]),
    new Set([1, 2, 3, 4]),
  );
}

function approvalLines(approval: ApprovalResult, decided: boolean, t: UiText, p: Painter, locale: Locale): string[] {
  if (approval.requirements.length === 0) return [t.approvalNone];
  const lines: string[] = decided ? [] : [t.approvalRequired];
  for (const r of approval.requirements) {
    const status = requirementStatus(r);
    const mark = !decided
      ? p.paint('yellow', '•')
      : status === 'met'
        ? p.paint('green', `✔ ${t.requirementMet}`)
        : status === 'blocked'
          ? p.paint('red', `✘ ${t.requirementBlocked}`)
          : p.paint('red', `✘ ${t.requirementOpen}`);
    lines.push(`${mark} ${r.reason}`);
    lines.push(`    ${t.columns.approvers}: ${r.approvers.join(', ') || t.nobody} (${t.needs(r.min)})`);
    if (decided) {
      lines.push(`    ${t.approvedBy}: ${r.approvedBy.join(', ') || t.nobody}`);
      if (r.blockedBy.length > 0) lines.push(`    ${t.blockedBy}: ${r.blockedBy.join(', ')}`);
      if ((r.notCounted ?? []).length > 0) lines.push(`    ${t.notCountedLabel}: ${r.notCounted!.map(t.notCounted).join('; ')}`);
      if (status !== 'met') lines.push(`    ${t.couldApprove}: ${couldStillApprove(r).join(', ') || t.nobody}`);
    }
  }
  const gaps = approval.contributorGaps ?? [];
  if (gaps.length > 0) lines.push(p.paint('red', contributorGapsHeading(locale)), ...gaps.map((g) => `    ${contributorGapText(g, locale)}`));
  if (decided) lines.push(approval.satisfied ? p.paint('green', t.approvalSatisfied) : p.paint('red', t.approvalMissing));
  return lines;
}

function changeLines(plan: Plan, t: UiText, p: Painter): string[] {
  if (plan.changes.length === 0) return [t.noChanges];
  const lines: string[] = [];
  for (const group of changesByStage(plan.changes, plan.stages, t)) {
    lines.push(p.paint('bold', group.heading));
    for (const c of group.changes) {
      const subject = c.verfahren ?? c.files.join(', ');
      lines.push(`  ${subject}: ${t.changeKind[c.kind]}`);
      for (const k of c.components) lines.push(`    ${k.name}: ${componentChangeText(k, t)}`);
    }
  }
  return lines;
}

function manifestSummary(manifests: readonly ManifestDiff[], t: UiText): string {
  if (manifests.length === 0) return t.noManifestChanges;
  const count = (s: ManifestDiff['status']): number => manifests.filter((m) => m.status === s).length;
  return t.manifestSummary(manifests.length, count('added'), count('removed'), count('modified'));
}

/** One file's unified diff, coloured like git's. */
function diffText(m: ManifestDiff, p: Painter): string {
  if (!p.enabled) return m.diff;
  const lines = m.diff.replace(/\n$/, '').split('\n');
  return `${lines
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---')
        ? p.paint('bold', l)
        : l.startsWith('@@')
          ? p.paint('cyan', l)
          : l.startsWith('+')
            ? p.paint('green', l)
            : l.startsWith('-')
              ? p.paint('red', l)
              : l,
    )
    .join('\n')}\n`;
}

function section(title: string, body: readonly string[], p: Painter, indented = true): string[] {
  return [p.paint(['bold', 'underline'], title), ...(indented ? indent(body) : body), ''];
}

/** `freigabe validate`: findings, Kontingent and cost of every tenant, verdict. */
export function formatValidationText(v: Validation, options: TextOptions): string {
  const t = uiText(options.locale);
  const p = new Painter(options.color ?? false);
  const lines = [
    ...section(t.headings.findings, formatFindingsText(v.findings, options).trimEnd().split('\n'), p),
    ...section(t.headings.kontingent, kontingentLines(v.kontingent, v.stages, t, p, options.locale, true), p),
    ...surgeSection(v.surgeHeadroom, v.stages, t, p, options.locale, true),
    ...section(t.headings.cost, costLines(v.cost, t, p, options.locale, true), p),
    v.ok ? p.paint('green', `✔ ${t.validationOk}`) : p.paint('red', `✘ ${t.validationFailed}`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface PlanTextOptions extends TextOptions {
  /** Print the unified diff of rendered manifests (default true); else only its summary. */
  readonly diff?: boolean;
  /** The approval was decided over reviews (gate), not only listed. */
  readonly decided?: boolean;
}

/**
 * `freigabe plan` in pieces: findings, changes per stage, approvals, Kontingent, cost, the
 * manifest summary, then each file's diff (not indented: it can be piped to `git apply`), then
 * the verdict. Pieces, so a first rollout's diff of tens of thousands of files can be written
 * out without building one huge string.
 */
export function* planTextChunks(plan: Plan, options: PlanTextOptions): Generator<string> {
  const t = uiText(options.locale);
  const p = new Painter(options.color ?? false);
  const lines = [
    ...(plan.emergency ? [p.paint(['bold', 'yellow'], `⚠ ${t.emergency}`), ''] : []),
    ...section(t.headings.findings, formatFindingsText(plan.findings, options).trimEnd().split('\n'), p),
    ...section(t.headings.changes, changeLines(plan, t, p), p),
    ...section(t.headings.approval, approvalLines(plan.approval, options.decided ?? false, t, p, options.locale), p),
    ...section(t.headings.kontingent, kontingentLines(plan.kontingent, plan.stages, t, p, options.locale), p),
    ...surgeSection(plan.surgeHeadroom, plan.stages, t, p, options.locale),
    ...section(t.headings.cost, costLines(plan.cost, t, p, options.locale), p),
    ...section(t.headings.manifests, [manifestSummary(plan.manifests, t)], p),
  ];
  yield `${lines.join('\n')}\n`;
  if (options.diff !== false && plan.manifests.length > 0) {
    for (const m of plan.manifests) yield diffText(m, p);
    yield '\n';
  }
  yield `${plan.ok ? p.paint('green', `✔ ${t.planOk}`) : p.paint('red', `✘ ${t.planFailed}`)}\n`;
}

/** `freigabe plan` as one string (see planTextChunks). */
export function formatPlanText(plan: Plan, options: PlanTextOptions): string {
  return [...planTextChunks(plan, options)].join('');
}

/** `freigabe gate`: each requirement with who approved, who blocks and who could still approve. */
export function formatGateText(plan: Plan, options: TextOptions): string {
  const t = uiText(options.locale);
  const p = new Painter(options.color ?? false);
  const blocking = blockingFindings(plan);
  const lines = [
    ...(plan.emergency ? [p.paint(['bold', 'yellow'], `⚠ ${t.emergency}`), ''] : []),
    ...(blocking.length > 0 ? [formatFindingsText(blocking, options).trimEnd(), ''] : []),
    ...section(t.headings.changes, changeLines(plan, t, p), p),
    ...section(t.headings.approval, approvalLines(plan.approval, true, t, p, options.locale), p),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
