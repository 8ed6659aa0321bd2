/**
 * Exact quantities: CPU in integer millicores, memory and storage in integer bytes, money in
 * integer cents. All are bigint so sums never lose precision, whatever the estate's size.
 * Parsing returns undefined for text that is not a valid quantity; callers turn that into a
 * Diagnostic.
 */

export type Dimension = 'cpu' | 'memory' | 'storage' | 'budgetPerMonth';

/** Upper bounds well above any real contract; larger values are input mistakes. */
export const MAX_MILLICORES = 10n ** 9n; // one million cores
export const MAX_BYTES = 2n ** 70n; // one zebibyte
export const MAX_CENTS = 10n ** 13n; // 100 billion euros

const BINARY: Record<string, bigint> = { Ki: 2n ** 10n, Mi: 2n ** 20n, Gi: 2n ** 30n, Ti: 2n ** 40n, Pi: 2n ** 50n, Ei: 2n ** 60n };
const DECIMAL: Record<string, bigint> = { k: 10n ** 3n, M: 10n ** 6n, G: 10n ** 9n, T: 10n ** 12n, P: 10n ** 15n, E: 10n ** 18n };

/** Splits a non-negative decimal number written as text into integer numerator and power-of-ten scale. */
function decimal(text: string): { units: bigint; scale: bigint } | undefined {
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m || m[1].length + (m[2]?.length ?? 0) > 40) return undefined;
  const frac = m[2] ?? '';
  return { units: BigInt(m[1] + frac), scale: 10n ** BigInt(frac.length) };
}

function numberText(value: string | number): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    // Shortest round-trip representation; exponent notation means an absurd magnitude.
    const text = String(value);
    return /e/i.test(text) ? undefined : text;
  }
  return value.trim();
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** "250m", "2", 0.5 → millicores. Fractions of a millicore are rounded up, as Kubernetes does. */
export function parseCpu(value: string | number): bigint | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  const milli = text.endsWith('m');
  const d = decimal(milli ? text.slice(0, -1) : text);
  if (!d) return undefined;
  const result = milli ? ceilDiv(d.units, d.scale) : ceilDiv(d.units * 1000n, d.scale);
  return result <= MAX_MILLICORES ? result : undefined;
}

/** "512Mi", "1G", 1024 → bytes, rounded up to a whole byte. */
export function parseBytes(value: string | number): bigint | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(text);
  if (!m) return undefined;
  const d = decimal(m[1]);
  if (!d) return undefined;
  const factor = m[2] ? (BINARY[m[2]] ?? DECIMAL[m[2]]) : 1n;
  const result = ceilDiv(d.units * factor, d.scale);
  return result <= MAX_BYTES ? result : undefined;
}

/** 45, 45.5, "2500.00" → cents. More than two decimal places is not money. */
export function parseMoney(value: string | number): bigint | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m || m[1].length > 15) return undefined;
  const result = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return result <= MAX_CENTS ? result : undefined;
}

export function parseDimension(dimension: Dimension, value: string | number): bigint | undefined {
  switch (dimension) {
    case 'cpu':
      return parseCpu(value);
    case 'memory':
    case 'storage':
      return parseBytes(value);
    case 'budgetPerMonth':
      return parseMoney(value);
  }
}

function sign(n: bigint): { neg: string; abs: bigint } {
  return n < 0n ? { neg: '-', abs: -n } : { neg: '', abs: n };
}

/** Millicores in canonical Kubernetes notation: whole cores as "2", else "1500m". */
export function formatCpu(millicores: bigint): string {
  const { neg, abs } = sign(millicores);
  return abs % 1000n === 0n ? `${neg}${abs / 1000n}` : `${neg}${abs}m`;
}

/** Bytes in the largest binary unit that represents them exactly: "48Gi", "1536Mi", "100". */
export function formatBytes(bytes: bigint): string {
  const { neg, abs } = sign(bytes);
  if (abs === 0n) return '0';
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const f = BINARY[unit];
    if (abs % f === 0n) return `${neg}${abs / f}${unit}`;
  }
  return `${neg}${abs}`;
}

/** Cents as euros with two decimals: "2190.00", "-45.50". */
export function formatMoney(cents: bigint): string {
  const { neg, abs } = sign(cents);
  return `${neg}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export function formatDimension(dimension: Dimension, value: bigint): string {
  switch (dimension) {
    case 'cpu':
      return formatCpu(value);
    case 'memory':
    case 'storage':
      return formatBytes(value);
    case 'budgetPerMonth':
      return formatMoney(value);
  }
}

/** Bytes to whole GiB, rounded up (storage is priced per started GiB). */
export function bytesToGiBCeil(bytes: bigint): bigint {
  return ceilDiv(bytes, BINARY.Gi);
}
