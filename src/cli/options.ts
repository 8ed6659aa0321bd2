/**
 * Command-line parsing shared by the commands: node's util.parseArgs (strict), the common
 * options, and the checks that turn bad values into UsageErrors with a helpful message.
 */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { uiText, type Locale } from '../i18n/cli.js';
import { UsageError } from './errors.js';

export type Format = 'text' | 'json' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'markdown'];
export const LOCALES: readonly Locale[] = ['de', 'en'];

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdout is a terminal (text output is coloured only then). */
  readonly isTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current time, for the default `--today` (the only clock the CLI reads). */
  readonly now: () => Date;
}

export const COMMON_OPTIONS = {
  repo: { type: 'string' },
  format: { type: 'string' },
  locale: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const SOURCE_OPTIONS = {
  base: { type: 'string' },
  'base-ref': { type: 'string' },
  head: { type: 'string' },
  'head-ref': { type: 'string' },
  labels: { type: 'string' },
  today: { type: 'string' },
  now: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The locale as early as possible, so even a usage error is reported in the right language. */
export function sniffLocale(argv: readonly string[]): Locale {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = a === '--locale' ? argv[i + 1] : a.startsWith('--locale=') ? a.slice('--locale='.length) : undefined;
    if (value === 'de' || value === 'en') return value;
  }
  return 'de';
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O, locale: Locale) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs' messages name the offending option; they are English-only, so keep them as detail.
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(uiText(locale).cli.badOption(detail));
  }
}

export interface Common {
  readonly repo: string;
  readonly format: Format;
  readonly locale: Locale;
  readonly debug: boolean;
}

export function common(values: { repo?: string; format?: string; locale?: string; debug?: boolean }, io: CommandIO): Common {
  const locale = (values.locale ?? 'de') as Locale;
  const t = uiText(LOCALES.includes(locale) ? locale : 'de').cli;
  if (!LOCALES.includes(locale)) throw new UsageError(t.badValue('--locale', String(values.locale), LOCALES.join(', ')));
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(t.badValue('--format', String(values.format), FORMATS.join(', ')));
  return { repo: resolve(io.cwd, values.repo ?? '.'), format, locale, debug: values.debug ?? false };
}

/** Today in Europe/Berlin (the platform's legal time zone), YYYY-MM-DD. */
export function berlinToday(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function today(value: string | undefined, io: CommandIO, locale: Locale): string {
  if (value === undefined) return berlinToday(io.now());
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) throw new UsageError(uiText(locale).cli.badDate(value));
  return value;
}

/** `--now`: an ISO-8601 instant with its offset (a wall time without zone is ambiguous); default the CLI's clock. */
export function now(value: string | undefined, io: CommandIO, locale: Locale): Date {
  if (value === undefined) return io.now();
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value);
  const t = ok ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(uiText(locale).cli.badNow(value));
  return new Date(t);
}

/**
 * The clock of a command: `--now` and `--today`. Neither: the current time and its Berlin day.
 * Only `--today`: that whole day (an Änderungsstopp touching it applies), not today's clock.
 */
export function clock(values: { today?: string; now?: string }, io: CommandIO, locale: Locale): { today: string; now?: Date } {
  if (values.now === undefined && values.today !== undefined) return { today: today(values.today, io, locale) };
  const instant = now(values.now, io, locale);
  return { now: instant, today: values.today === undefined ? berlinToday(instant) : today(values.today, io, locale) };
}

export function labels(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Colour only on a terminal, and never against the user's NO_COLOR; FORCE_COLOR wins. */
export function useColor(format: Format, io: CommandIO): boolean {
  if (format !== 'text') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY && io.env.TERM !== 'dumb';
}
