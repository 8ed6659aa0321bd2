/**
 * Small helpers the text and Markdown renderers share: counting findings, grouping changes by
 * stage in promotion order, and the compact wording of a component change.
 */
import type { ApprovalRequirement } from '../core/approval.js';
import type { Change, ComponentChange, ComponentState } from '../core/changes.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CostRow, KontingentRow } from '../core/kontingent.js';
import type { SurgeHeadroomRow } from '../core/surge-headroom.js';
import { parseDimension } from '../core/quantity.js';
import type { StageTitle } from '../core/plan.js';
import type { Locale, UiText } from '../i18n/cli.js';
import { formatCount, formatEuro, formatPercent, parseSigned, rowCells, unitLabel } from '../i18n/numbers.js';

export function severityCounts(findings: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of findings) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** Digests are 64 hex characters; like git, a short prefix is enough to tell versions apart in prose. */
export function shortImage(image: string): string {
  return image.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1…');
}

function stateText(s: ComponentState, t: UiText): string {
  return `${shortImage(s.image)} ${s.size} ${t.replicas(s.replicas)}`;
}

/** "image a → b, size M → L" for changed fields; the whole state for added and removed components. */
export function componentChangeText(c: ComponentChange, t: UiText): string {
  if (!c.before && c.after) return `${t.componentAdded}: ${stateText(c.after, t)}`;
  if (c.before && !c.after) return `${t.componentRemoved}: ${stateText(c.before, t)}`;
  if (!c.before || !c.after) return '';
  const parts: string[] = [];
  if (c.before.image !== c.after.image) parts.push(`${shortImage(c.before.image)} → ${shortImage(c.after.image)}`);
  if (c.before.size !== c.after.size) parts.push(`${c.before.size} → ${c.after.size}`);
  if (c.before.replicas !== c.after.replicas) parts.push(`${t.replicas(c.before.replicas)} → ${t.replicas(c.after.replicas)}`);
  return parts.length > 0 ? parts.join(', ') : stateText(c.after, t);
}

export interface StageGroup {
  /** Heading: the stage title with its name, "Produktion (produktion)"; or the platform/all-stages label. */
  readonly heading: string;
  readonly changes: readonly Change[];
}

/** Changes grouped by stage in promotion order; stage-less changes first (platform, then Fachverfahren-wide). */
export function changesByStage(changes: readonly Change[], stages: readonly StageTitle[], t: UiText): StageGroup[] {
  const order = new Map(stages.map((s, i) => [s.name, i]));
  const groups = new Map<string, Change[]>();
  const key = (c: Change): string => (c.stage === null ? (c.verfahren === null ? '\0platform' : '\0all') : c.stage);
  for (const c of changes) {
    const k = key(c);
    const list = groups.get(k) ?? [];
    list.push(c);
    groups.set(k, list);
  }
  const rank = (k: string): number => (k === '\0platform' ? -2 : k === '\0all' ? -1 : (order.get(k) ?? stages.length));
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, list]) => {
      const stage = stages.find((s) => s.name === k);
      const heading = k === '\0platform' ? t.platformWide : k === '\0all' ? t.allStages : stage ? `${stage.title} (${stage.name})` : k;
      return { heading, changes: list };
    });
}

/** Principals listed for a requirement that have not (yet) approved it. */
export function couldStillApprove(r: ApprovalRequirement): string[] {
  const done = new Set(r.approvedBy.map((l) => l.toLowerCase()));
  return r.approvers.filter((a) => !done.has(a.toLowerCase()));
}

export function requirementStatus(r: ApprovalRequirement): 'met' | 'blocked' | 'open' {
  if (r.blockedBy.length > 0) return 'blocked';
  return r.approvedBy.length >= r.min ? 'met' : 'open';
}

/** Whole percent of the limit the head state uses (rounded down), undefined when not computable. */
export function usedShare(r: KontingentRow): number | undefined {
  const limit = parseDimension(r.dimension, r.limit);
  const used = parseDimension(r.dimension, r.after);
  if (limit === undefined || used === undefined || limit === 0n) return undefined;
  return Number((used * 100n) / limit);
}

/** A Kontingent row as a person reads it: the dimension with its one display unit, and the amounts in that unit. */
export interface KontingentDisplay {
  readonly dimension: string;
  readonly limit: string;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
  /** Share of the limit the head state uses ("91 %"), empty when not computable. */
  readonly share: string;
  readonly shareValue: number | undefined;
}

export function kontingentDisplay(r: KontingentRow, t: UiText, locale: Locale): KontingentDisplay {
  const cells = rowCells(r, locale);
  const share = usedShare(r);
  const label = t.dimension[r.dimension];
  return {
    dimension: cells.unit === 'EUR' ? label : `${label} (${unitLabel(cells.unit, locale)})`,
    limit: cells.limit,
    before: cells.before,
    after: cells.after,
    delta: cells.delta,
    share: share === undefined ? '' : formatPercent(share, locale),
    shareValue: share,
  };
}

/** A cost row in euros: budget, before, after, delta (signed). */
export function costDisplay(r: CostRow, locale: Locale): { budget: string; before: string; after: string; delta: string } {
  const euro = (text: string, signed = false): string => {
    const cents = parseSigned('budgetPerMonth', text);
    return cents === undefined ? text : formatEuro(cents, locale, signed);
  };
  return { budget: euro(r.budget), before: euro(r.before), after: euro(r.after), delta: euro(r.delta, true) };
}

export interface SurgeDisplay {
  readonly dimension: string;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
}

/** A surge-headroom row in the same units as the Kontingent rows; pods as counts. */
export function surgeDisplay(r: SurgeHeadroomRow, t: UiText, locale: Locale): SurgeDisplay {
  if (r.dimension === 'pods') {
    const n = (text: string, signed = false): string => {
      const v = Number(text);
      if (!Number.isFinite(v)) return text;
      return `${signed && v > 0 ? '+' : ''}${formatCount(v, locale)}`;
    };
    return { dimension: t.surgeHeadroom.pods, before: n(r.before), after: n(r.after), delta: n(r.delta, true) };
  }
  const cells = rowCells({ dimension: r.dimension, limit: r.after, before: r.before, after: r.after, delta: r.delta }, locale);
  return { dimension: `${t.dimension[r.dimension]} (${unitLabel(cells.unit, locale)})`, before: cells.before, after: cells.after, delta: cells.delta };
}
