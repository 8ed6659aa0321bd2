import { describe, expect, test } from 'vitest';
import {
  MAX_BYTES,
  MAX_CENTS,
  MAX_MILLICORES,
  bytesToGiBCeil,
  formatBytes,
  formatCpu,
  formatMoney,
  parseBytes,
  parseCpu,
  parseDimension,
  parseMoney,
} from '../../src/core/quantity.js';

const Gi = 2n ** 30n;

describe('cpu', () => {
  test.each([
    ['250m', 250n],
    ['1', 1000n],
    ['2.5', 2500n],
    ['0.001', 1n],
    [0.5, 500n],
    [4, 4000n],
    ['0.0005', 1n], // below a millicore rounds up, as Kubernetes does
    ['1.5m', 2n],
    [' 2 ', 2000n],
  ] as const)('%s → %s millicores', (text, milli) => {
    expect(parseCpu(text)).toBe(milli);
  });

  test.each(['-1', -1, '1e3', 1e21, Number.NaN, Infinity, '', 'm', '1 m', 'zwei', '1,5', '0x10', `${MAX_MILLICORES + 1n}m`])('rejects %s', (text) => {
    expect(parseCpu(text)).toBeUndefined();
  });

  test('round trips through the canonical form', () => {
    for (const text of ['250m', '1', '1500m', '24', '0']) expect(formatCpu(parseCpu(text)!)).toBe(text);
    expect(formatCpu(-1500n)).toBe('-1500m');
  });
});

describe('bytes', () => {
  test.each([
    ['512Mi', 512n * 2n ** 20n],
    ['2Gi', 2n * Gi],
    ['1.5Gi', 3n * 2n ** 29n],
    ['1G', 10n ** 9n],
    ['1k', 1000n],
    ['100', 100n],
    [1024, 1024n],
    ['1Ei', 2n ** 60n],
  ] as const)('%s → %s bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  test.each(['-1Gi', -5, '99999999999999999999Ei', '1025Ei', '1gi', '1GB', '1 Gi', 'Gi', '1.5.5Gi', '1e3', '∞'])('rejects %s', (text) => {
    expect(parseBytes(text)).toBeUndefined();
  });

  test('the bound is inclusive', () => {
    expect(parseBytes(`${MAX_BYTES}`)).toBe(MAX_BYTES);
    expect(parseBytes(`${MAX_BYTES + 1n}`)).toBeUndefined();
  });

  test('formats in the largest exact binary unit', () => {
    expect(formatBytes(48n * Gi)).toBe('48Gi');
    expect(formatBytes(1536n * 2n ** 20n)).toBe('1536Mi');
    expect(formatBytes(1000n)).toBe('1000');
    expect(formatBytes(0n)).toBe('0');
    expect(formatBytes(-2n * Gi)).toBe('-2Gi');
    for (const text of ['512Mi', '2Gi', '1Ti', '3Ki', '7']) expect(formatBytes(parseBytes(text)!)).toBe(text);
  });

  test('storage is priced per started GiB', () => {
    expect(bytesToGiBCeil(1n)).toBe(1n);
    expect(bytesToGiBCeil(Gi)).toBe(1n);
    expect(bytesToGiBCeil(Gi + 1n)).toBe(2n);
    expect(bytesToGiBCeil(0n)).toBe(0n);
  });
});

describe('money', () => {
  test.each([
    [45, 4500n],
    [45.5, 4550n],
    ['2500.00', 250000n],
    ['0.08', 8n],
    [0.12, 12n],
    ['7', 700n],
  ] as const)('%s → %s cents', (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  test.each(['0.125', 0.125, '-1', -0.01, '1e3', '1,50', 'EUR 5', '', `${MAX_CENTS / 100n + 1n}`])('rejects %s', (text) => {
    expect(parseMoney(text)).toBeUndefined();
  });

  test('formats with two decimals and a sign', () => {
    expect(formatMoney(219000n)).toBe('2190.00');
    expect(formatMoney(-4550n)).toBe('-45.50');
    expect(formatMoney(8n)).toBe('0.08');
    for (const text of ['0.08', '45.00', '2500.00']) expect(formatMoney(parseMoney(text)!)).toBe(text);
  });
});

describe('exactness', () => {
  test('a hundred thousand additions of 0.1 core and 0.01 EUR lose nothing', () => {
    let cpu = 0n;
    let cents = 0n;
    let float = 0;
    for (let i = 0; i < 100_000; i++) {
      cpu += parseCpu('100m')!;
      cents += parseMoney(0.01)!;
      float += 0.01;
    }
    expect(formatCpu(cpu)).toBe('10000');
    expect(formatMoney(cents)).toBe('1000.00');
    // the reason for integers: the float sum has drifted
    expect(float).not.toBe(1000);
  });

  test('sums beyond Number.MAX_SAFE_INTEGER stay exact', () => {
    const big = parseBytes('8Ei')!;
    expect(formatBytes(big + big + 1n)).toBe(String(2n ** 64n + 1n));
  });

  test('parseDimension dispatches by dimension', () => {
    expect(parseDimension('cpu', '2')).toBe(2000n);
    expect(parseDimension('memory', '1Ki')).toBe(1024n);
    expect(parseDimension('storage', '1Ki')).toBe(1024n);
    expect(parseDimension('budgetPerMonth', '1.50')).toBe(150n);
  });
});
