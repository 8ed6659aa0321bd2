/**
 * Änderungsstopp (change freeze): windows per stage in platform.yaml, in Europe/Berlin time.
 * Inside a window a change to the stage needs the Notfalländerung path (label `notfall`: the
 * VVs and a platform approver, see approval.ts); without the label it is an error finding.
 *
 * The windows are read from the **base** (a pull request cannot lift a freeze by editing
 * platform.yaml). The core never reads the clock: callers pass `now`; without it the whole
 * of `today` (Berlin) counts, so a forgotten clock freezes rather than lets through.
 *
 * Berlin wall time → instant goes through Intl (full ICU): the offset is looked up for the
 * instant itself, so the windows stay right across the DST switches.
 */
import type { Change } from './changes.js';
import { cmp, diagnostic, type Diagnostic } from './diagnostics.js';
import type { Estate, Located, PlatformDocument } from './model.js';
import { isEmergencyLabelled, stageTitle } from './promotion.js';

export const BERLIN = 'Europe/Berlin';

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: BERLIN,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Berlin's offset from UTC in milliseconds at an instant. */
function berlinOffset(instant: number): number {
  const p = Object.fromEntries(offsetFormat.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - (instant - (instant % 1000 + 1000) % 1000);
}

/**
 * The instant of a Berlin wall time given as UTC fields. A time in the spring gap (02:00–03:00
 * does not exist) lands one hour later; a time of the autumn's doubled hour takes its first
 * occurrence.
 */
function berlinInstant(wall: number): number {
  const before = wall - berlinOffset(wall - 3 * 3_600_000);
  const after = wall - berlinOffset(wall + 3 * 3_600_000);
  const valid = [before, after].filter((t) => t + berlinOffset(t) === wall);
  return valid.length > 0 ? Math.min(...valid) : before;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** A `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` Berlin time as an instant; a date alone is its 00:00 (or, for an end, the next day's). */
export function parseBerlinTime(text: string, edge: 'start' | 'end'): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi] = m[4] === undefined ? [0, 0] : [Number(m[4]), Number(m[5])];
  if (h > 23 || mi > 59) return undefined;
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  return berlinInstant(m[4] === undefined && edge === 'end' ? Date.UTC(y, mo - 1, d + 1) : wall);
}

/** The Berlin calendar day and time of an instant: "2026-12-24T05:30". */
export function berlinWallTime(instant: number): string {
  return new Date(instant + berlinOffset(instant)).toISOString().slice(0, 16);
}

/** `now` as an instant; an ISO string with offset or Z, or a Date. Undefined when unreadable. */
export function instantOf(now: string | Date): number | undefined {
  const t = typeof now === 'string' ? Date.parse(now) : now.getTime();
  return Number.isNaN(t) ? undefined : t;
}

export interface FreezeWindow {
  readonly stage: string;
  /** Instants (ms since epoch), end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly reasons: readonly string[];
}

/** A stage's windows from the platform, merged where they overlap or touch, sorted; unreadable ones left out. */
export function freezeWindows(platform: Located<PlatformDocument> | undefined, stage: string): FreezeWindow[] {
  const def = platform?.data.spec.stages.find((s) => s.name === stage);
  const raw = (def?.aenderungsstopp ?? [])
    .map((w) => ({ start: parseBerlinTime(w.start, 'start'), end: parseBerlinTime(w.end, 'end'), reason: w.reason }))
    .filter((w): w is { start: number; end: number; reason: string } => w.start !== undefined && w.end !== undefined && w.start < w.end)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: { stage: string; start: number; end: number; reasons: string[] }[] = [];
  for (const w of raw) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      if (!last.reasons.includes(w.reason)) last.reasons.push(w.reason);
    } else {
      out.push({ stage, start: w.start, end: w.end, reasons: [w.reason] });
    }
  }
  return out;
}

/** The moment (or, without a clock, the Berlin day) the decision is made for. */
export interface FreezeClock {
  /** ISO-8601 instant (with offset) or a Date. */
  readonly now?: string | Date;
  /** YYYY-MM-DD (Berlin); used when `now` is absent: a window touching any minute of the day applies. */
  readonly today: string;
}

function interval(clock: FreezeClock): { from: number; to: number } | undefined {
  if (clock.now !== undefined) {
    const t = instantOf(clock.now);
    return t === undefined ? undefined : { from: t, to: t + 1 };
  }
  const from = parseBerlinTime(clock.today, 'start');
  const to = parseBerlinTime(clock.today, 'end');
  return from === undefined || to === undefined ? undefined : { from, to };
}

/** The merged window of a stage in force at the clock, if any. Past windows never apply. */
export function activeFreeze(platform: Located<PlatformDocument> | undefined, stage: string, clock: FreezeClock): FreezeWindow | undefined {
  const at = interval(clock);
  if (!at) return undefined;
  return freezeWindows(platform, stage).find((w) => w.start < at.to && at.from < w.end);
}

/** One Fachverfahren × stage that a pull request changes during an Änderungsstopp. */
export interface FrozenChange {
  readonly verfahren: string;
  readonly stage: string;
  readonly window: FreezeWindow;
  readonly files: readonly string[];
  /** Labelled `notfall`: allowed as a Notfalländerung. */
  readonly emergency: boolean;
}

export interface FrozenChangesParams extends FreezeClock {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  readonly labels?: readonly string[];
}

/**
 * Which changes fall into a window of their stage (windows from the base). A booking change
 * concerns its stage; a change of verfahren.yaml or a whole Fachverfahren concerns every stage
 * it is booked in (base or head) — unless it changes only who approves (VVs, Vertretung,
 * Systempfleger), which renders nothing: a Vertretung for the holidays must be possible in a
 * year-end freeze. Platform-wide files are the platform team's and not frozen.
 */
export function frozenChanges(params: FrozenChangesParams): FrozenChange[] {
  const { base, head, changes } = params;
  const platform = base.platform;
  if (!platform?.data.spec.stages.some((s) => (s.aenderungsstopp ?? []).length > 0)) return [];
  const emergency = isEmergencyLabelled(params.labels);
  const found = new Map<string, { verfahren: string; stage: string; window: FreezeWindow; files: Set<string> }>();
  for (const change of changes) {
    if (change.verfahren === null) continue;
    // Stray files in the directory are changes of kind 'settings' too: only verfahren.yaml qualifies.
    const approversOnly = change.stage === null && change.kind === 'settings' && change.files.every((f) => f.endsWith('/verfahren.yaml'));
    if (approversOnly && onlyApproversChanged(base, head, change.verfahren)) continue;
    const stages =
      change.stage !== null
        ? [change.stage]
        : [...new Set([...(base.verfahren.get(change.verfahren)?.bookings.keys() ?? []), ...(head.verfahren.get(change.verfahren)?.bookings.keys() ?? [])])];
    for (const stage of stages) {
      const window = activeFreeze(platform, stage, params);
      if (!window) continue;
      const key = `${change.verfahren}\u0000${stage}`;
      const entry = found.get(key) ?? { verfahren: change.verfahren, stage, window, files: new Set<string>() };
      for (const f of change.files) entry.files.add(f);
      found.set(key, entry);
    }
  }
  return [...found.values()]
    .map((f) => ({ verfahren: f.verfahren, stage: f.stage, window: f.window, files: [...f.files].sort(cmp), emergency }))
    .sort((a, b) => cmp(a.verfahren, b.verfahren) || cmp(a.stage, b.stage));
}

/** verfahren.yaml changed, but nothing a stage renders from it (title, tenant, Schutzbedarf); both sides valid. */
function onlyApproversChanged(base: Estate, head: Estate, verfahren: string): boolean {
  const rendered = (e: Estate) => {
    const spec = e.verfahren.get(verfahren)?.doc?.data.spec;
    return spec && JSON.stringify([spec.title, spec.tenant, spec.schutzbedarf]);
  };
  const before = rendered(base);
  return before !== undefined && before === rendered(head);
}

/** The findings: an error per frozen change, or a warning when it goes the Notfalländerung path. */
export function freezeDiagnostics(params: FrozenChangesParams): Diagnostic[] {
  return frozenChanges(params).map((f) => {
    // The head file when there is one (its line 1), else the deleted base file.
    const file = f.files.find((p) => params.head.files.has(p)) ?? f.files[0] ?? params.base.platform?.file ?? 'platform.yaml';
    return diagnostic(f.emergency ? 'aenderungsstopp-notfall' : 'aenderungsstopp', {
      file,
      line: 1,
      params: {
        verfahren: f.verfahren,
        stage: stageTitle(params.base, params.head, f.stage),
        reason: f.window.reasons.join('; '),
        start: berlinWallTime(f.window.start),
        end: berlinWallTime(f.window.end),
      },
    });
  });
}

/** Windows whose end is not after their start, or whose times do not exist: findings on platform.yaml. */
export function checkFreezeWindows(estate: Estate): Diagnostic[] {
  const platform = estate.platform;
  if (!platform) return [];
  const out: Diagnostic[] = [];
  platform.data.spec.stages.forEach((stage, i) => {
    (stage.aenderungsstopp ?? []).forEach((w, j) => {
      const start = parseBerlinTime(w.start, 'start');
      const end = parseBerlinTime(w.end, 'end');
      if (start !== undefined && end !== undefined && start < end) return;
      const pointer = `/spec/stages/${i}/aenderungsstopp/${j}`;
      const bad = start === undefined ? 'start' : 'end';
      out.push(
        diagnostic('aenderungsstopp-invalid', {
          file: platform.file,
          line: platform.lines.lineOf(`${pointer}/${bad}`),
          path: `${pointer}/${bad}`,
          params: { stage: stage.name, start: w.start, end: w.end },
        }),
      );
    });
  });
  return out;
}
