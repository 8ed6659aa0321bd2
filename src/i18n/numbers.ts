/**
 * Numbers as people read them: one display unit per Kontingent row (CPU in cores, memory and
 * storage in GiB or TiB), money in euros, percentages, in the reader's locale through
 * Intl.NumberFormat. The exact values stay in the core and in `--format json`; this module only
 * turns them into text.
 *
 * Rounding never hides a breach: an amount above its limit is rounded up, one below it down,
 * and a delta that is not zero never shows as zero, so "68,01 GiB von 68 GiB" is never printed
 * as "68 GiB von 68 GiB".
 */
import { parseDimension, type Dimension } from '../core/quantity.js';
import type { Locale } from './findings.js';

/** The unit a row of one dimension is shown in. */
export type DisplayUnit = 'cores' | 'GiB' | 'TiB' | 'EUR';

const GIB = 2n ** 30n;
const TIB = 2n ** 40n;

/** Exact value of one unit in the dimension's base (millicores, bytes, cents). */
const UNIT_BASE: Record<DisplayUnit, bigint> = { cores: 1000n, GiB: GIB, TiB: TIB, EUR: 100n };

const INTL_LOCALE: Record<Locale, string> = { de: 'de-DE', en: 'en-GB' };

const UNIT_LABEL: Record<Locale, Record<Exclude<DisplayUnit, 'EUR'>, { one: string; other: string }>> = {
  de: { cores: { one: 'Kern', other: 'Kerne' }, GiB: { one: 'GiB', other: 'GiB' }, TiB: { one: 'TiB', other: 'TiB' } },
  en: { cores: { one: 'core', other: 'cores' }, GiB: { one: 'GiB', other: 'GiB' }, TiB: { one: 'TiB', other: 'TiB' } },
};

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    // English money reads €1,477.00 in every English locale; en-GB keeps the other numbers plain.
    f = new Intl.NumberFormat(options.style === 'currency' && locale === 'en' ? 'en-US' : INTL_LOCALE[locale], options);
    formatters.set(key, f);
  }
  return f;
}

/** Parses an exact amount as the core writes it ("31250m", "64000Mi", "-45.50"), signed. */
export function parseSigned(dimension: Dimension, text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const value = parseDimension(dimension, negative ? text.slice(1) : text.replace(/^\+/, ''));
  return value === undefined ? undefined : negative ? -value : value;
}

/** The unit for a row: cores for CPU, euros for money; TiB once the largest amount reaches 1 TiB, else GiB. */
export function displayUnit(dimension: Dimension, amounts: readonly bigint[]): DisplayUnit {
  if (dimension === 'cpu') return 'cores';
  if (dimension === 'budgetPerMonth') return 'EUR';
  const largest = amounts.reduce((m, a) => (a < 0n ? (-a > m ? -a : m) : a > m ? a : m), 0n);
  return largest >= TIB ? 'TiB' : 'GiB';
}

type Rounding = 'nearest' | 'up' | 'down';

/** Hundredths of `unit` in `value`, rounded as asked (on the magnitude). */
function hundredths(value: bigint, unit: DisplayUnit, rounding: Rounding): bigint {
  const base = UNIT_BASE[unit];
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scaled = abs * 100n;
  let q = scaled / base;
  const rest = scaled % base;
  if (rest !== 0n && (rounding === 'up' || (rounding === 'nearest' && rest * 2n >= base))) q += 1n;
  return negative ? -q : q;
}

export interface AmountOptions {
  readonly locale: Locale;
  /** `+` before positive amounts (deltas). */
  readonly signed?: boolean;
  /** Round away from this limit's side, so a breach or a margin stays visible. */
  readonly limit?: bigint;
  /** Append the unit ("31,25 Kerne", "68,5 GiB", "1.477,00 €"); default true. */
  readonly withUnit?: boolean;
}

/** One amount of a dimension in the given unit, at most two decimals (money always two). */
export function formatAmount(value: bigint, unit: DisplayUnit, options: AmountOptions): string {
  const { locale } = options;
  let rounding: Rounding = 'nearest';
  if (options.limit !== undefined && value !== options.limit) rounding = value > options.limit ? 'up' : 'down';
  // A non-zero delta never rounds to zero: its magnitude is rounded up.
  if (options.signed && value !== 0n) rounding = 'up';
  const h = hundredths(value, unit, rounding);
  const n = Number(h) / 100;
  if (unit === 'EUR') {
    return numberFormat(locale, { style: 'currency', currency: 'EUR', signDisplay: options.signed ? 'exceptZero' : 'auto' }).format(n);
  }
  const text = numberFormat(locale, { maximumFractionDigits: 2, signDisplay: options.signed ? 'exceptZero' : 'auto' }).format(n);
  if (options.withUnit === false) return text;
  const label = UNIT_LABEL[locale][unit];
  return `${text} ${Math.abs(n) === 1 ? label.one : label.other}`;
}

/** The unit's name for a column or row heading ("Kerne", "GiB", "€"). */
export function unitLabel(unit: DisplayUnit, locale: Locale): string {
  return unit === 'EUR' ? '€' : UNIT_LABEL[locale][unit].other;
}

/** Cents as money: 1.477,00 € (de), €1,477.00 (en). */
export function formatEuro(cents: bigint, locale: Locale, signed = false): string {
  return formatAmount(cents, 'EUR', { locale, signed });
}

/** Whole percent: 91 % (de), 91% (en). */
export function formatPercent(percent: number, locale: Locale): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

/** A count with grouping: 262.144 (de), 262,144 (en). */
export function formatCount(n: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** Exact core text of a dimension (k8s notation or "2500.00") for a person; the text itself when it is not an amount. */
export function readableAmount(dimension: Dimension, text: string, locale: Locale, limitText?: string): string {
  const value = parseSigned(dimension, text);
  if (value === undefined) return text;
  const limit = limitText === undefined ? undefined : parseSigned(dimension, limitText);
  const unit = displayUnit(dimension, limit === undefined ? [value] : [value, limit]);
  return formatAmount(value, unit, { locale, ...(limit !== undefined ? { limit } : {}) });
}

/** A Kontingent row's cells in one unit: limit, before, after, delta (signed), without units; plus the unit. */
export interface RowCells {
  readonly unit: DisplayUnit;
  readonly limit: string;
  readonly before: string;
  readonly after: string;
  readonly delta: string;
}

export function rowCells(row: { readonly dimension: Dimension; readonly limit: string; readonly before: string; readonly after: string; readonly delta: string }, locale: Locale): RowCells {
  const parse = (t: string) => parseSigned(row.dimension, t);
  const limit = parse(row.limit);
  const before = parse(row.before);
  const after = parse(row.after);
  const delta = parse(row.delta);
  const unit = displayUnit(row.dimension, [limit, before, after].filter((v): v is bigint => v !== undefined));
  const withUnit = unit === 'EUR';
  const cell = (value: bigint | undefined, raw: string, options: Partial<AmountOptions> = {}): string =>
    value === undefined ? raw : formatAmount(value, unit, { locale, withUnit, ...options });
  const near = limit !== undefined ? { limit } : {};
  return {
    unit,
    limit: cell(limit, row.limit),
    before: cell(before, row.before, near),
    after: cell(after, row.after, near),
    delta: cell(delta, row.delta, { signed: true }),
  };
}
