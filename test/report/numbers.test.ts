/**
 * Numbers people read (issue 14): one display unit per Kontingent row, euros, the reader's
 * number format — in CLI text, the Markdown comment and finding messages, in both locales.
 * The plan is the example estate with Wohngeld-Produktion's web scaled from 3 to 6 replicas:
 * a memory breach (68,5 GiB of 68 GiB), a near-limit warning (the Produktion ceiling) and a
 * budget change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../src/core/diagnostics.js';
import { plan, type Plan } from '../../src/core/plan.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { FINDING_MESSAGES } from '../../src/i18n/findings.js';
import { displayUnit, formatAmount, formatEuro, formatPercent, readableAmount } from '../../src/i18n/numbers.js';
import { planToJson } from '../../src/report/json.js';
import { formatPlanMarkdown } from '../../src/report/markdown.js';
import { formatPlanText } from '../../src/report/text.js';
import { readTreeBytes } from '../helpers/files.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GOLDEN = join(import.meta.dirname, 'golden');

function scaledWohngeld(): Plan {
  const files = new Map([...readTreeBytes(join(ROOT, 'environments'))].map(([p, b]) => [`environments/${p}`, b] as const));
  const base = snapshotOf(files);
  const path = 'environments/verfahren/wohngeld/produktion.yaml';
  const text = new TextDecoder().decode(files.get(path));
  const scaled = text.replace('replicas: 3', 'replicas: 6');
  expect(scaled).not.toBe(text);
  const head = snapshotOf(new Map([...files, [path, new TextEncoder().encode(scaled)]]));
  return plan({ base, head, today: '2026-11-30' });
}

/** Only the Kontingent and cost sections and the findings: the parts this issue is about. */
function numbersPart(text: string): string {
  return text
    .slice(0, text.includes('<details>') ? text.indexOf('<details>') : undefined)
    .split('\n')
    .filter((l) => /Kontingent|kontingent|Budget|budget|Kosten|Cost|CPU|Arbeitsspeicher|memory|Speicher|storage|€|%/.test(l))
    .join('\n');
}

describe('golden renderings of a plan with a breach, a near-limit warning and a budget change', () => {
  const p = scaledWohngeld();

  test('the plan has what the goldens are meant to show', () => {
    const codes = p.findings.map((f) => f.code);
    expect(codes).toContain('kontingent-exceeded');
    expect(codes).toContain('kontingent-near-limit');
    expect(p.cost.some((c) => c.delta !== '0.00')).toBe(true);
  });

  for (const locale of ['de', 'en'] as const) {
    test(`text, ${locale}`, async () => {
      await expect(numbersPart(formatPlanText(p, { locale, diff: false }))).toMatchFileSnapshot(join(GOLDEN, `plan-numbers.${locale}.txt`));
    });
    test(`Markdown, ${locale}`, async () => {
      await expect(numbersPart(formatPlanMarkdown(p, { locale }))).toMatchFileSnapshot(join(GOLDEN, `plan-numbers.${locale}.md`));
    });
  }

  test('German: cores and GiB with a decimal comma, euros after the number', () => {
    const md = formatPlanMarkdown(p, { locale: 'de' });
    expect(md).toMatch(/\| `bezirksamt-mitte` \| Arbeitsspeicher \(GiB\) \| gesamt \| 68 \| 62,5 \| 68,5 \| \+6 \|/);
    expect(md).toMatch(/\| CPU \(Kerne\) \|/);
    expect(md).toMatch(/\d{1,3}(\.\d{3})*,\d{2}\u00a0€/);
    expect(md).not.toMatch(/\d+Mi\b|\d+m \|/);
  });

  test('English: the same amounts with a decimal point, € before the number', () => {
    const md = formatPlanMarkdown(p, { locale: 'en' });
    expect(md).toMatch(/\| `bezirksamt-mitte` \| memory \(GiB\) \| total \| 68 \| 62.5 \| 68.5 \| \+6 \|/);
    expect(md).toMatch(/€\d{1,3}(,\d{3})*\.\d{2}/);
  });

  test('JSON keeps the exact values of the contract', () => {
    const json = planToJson(p, 'de') as { kontingent: { dimension: string; after: string }[]; cost: { after: string }[] };
    const memory = json.kontingent.find((r) => r.dimension === 'memory');
    expect(memory?.after).toMatch(/^\d+(Mi|Gi)$/);
    expect(json.cost[0].after).toMatch(/^\d+\.\d{2}$/);
  });

  test('finding messages read in the same units', () => {
    const exceeded = p.findings.find((f) => f.code === 'kontingent-exceeded');
    expect(exceeded).toBeDefined();
    expect(FINDING_MESSAGES['kontingent-exceeded'].de(exceeded!.params)).toBe('Kontingent von bezirksamt-mitte überschritten: Arbeitsspeicher 68,5 GiB von 68 GiB.');
    expect(FINDING_MESSAGES['kontingent-exceeded'].en(exceeded!.params)).toBe('Kontingent of bezirksamt-mitte exceeded: memory 68.5 GiB of 68 GiB.');
  });
});

describe('formatting rules', () => {
  test('money through Intl: 1.477,00 € and €1,477.00, signed deltas', () => {
    expect(formatEuro(147700n, 'de')).toBe('1.477,00\u00a0€');
    expect(formatEuro(147700n, 'en')).toBe('€1,477.00');
    expect(formatEuro(-4550n, 'de', true)).toBe('-45,50\u00a0€');
    expect(formatEuro(13500n, 'en', true)).toBe('+€135.00');
    expect(formatEuro(0n, 'de', true)).toBe('0,00\u00a0€');
  });

  test('percentages: 91 % and 91%', () => {
    expect(formatPercent(91, 'de')).toBe('91\u00a0%');
    expect(formatPercent(91, 'en')).toBe('91%');
  });

  test('CPU in cores, memory in GiB or TiB, at most two decimals', () => {
    expect(formatAmount(31_250n, 'cores', { locale: 'de' })).toBe('31,25 Kerne');
    expect(formatAmount(1_000n, 'cores', { locale: 'en' })).toBe('1 core');
    expect(displayUnit('memory', [70144n * 2n ** 20n])).toBe('GiB');
    expect(displayUnit('storage', [2n ** 40n])).toBe('TiB');
    expect(formatAmount(1536n * 2n ** 30n, 'TiB', { locale: 'de' })).toBe('1,5 TiB');
    expect(formatAmount(2n ** 30n / 3n, 'GiB', { locale: 'en' })).toBe('0.33 GiB');
  });

  test('rounding never hides a breach or a change', () => {
    const limit = 68n * 2n ** 30n;
    // One MiB over 68 GiB is 68.001 GiB: shown above the limit, not equal to it.
    expect(readableAmount('memory', '69633Mi', 'de', '68Gi')).toBe('68,01 GiB');
    expect(formatAmount(limit - 2n ** 20n, 'GiB', { locale: 'de', limit })).toBe('67,99 GiB');
    expect(formatAmount(2n ** 20n, 'GiB', { locale: 'en', signed: true, withUnit: false })).toBe('+0.01');
  });
});

describe('every number in a finding message carries its unit', () => {
  // A sample value for every numeric parameter a finding can carry; all other parameters are words.
  const NUMERIC: Partial<Record<FindingCode, Record<string, number>>> = {
    'yaml-alias-limit': { aliases: 100, nodes: 100000 },
    'yaml-too-large': { size: 300000, limit: 262144 },
    'yaml-too-deep': { limit: 32 },
    'yaml-not-utf8': { offset: 17 },
    'yaml-multiple-documents': { count: 2 },
    'name-too-long': { length: 70, limit: 63 },
    'kontingent-near-limit': { percent: 91 },
  };
  const QUANTITY: Partial<Record<FindingCode, Record<string, string>>> = {
    'kontingent-exceeded': { dimension: 'memory', after: '70144Mi', limit: '68Gi' },
    'stage-ceiling-exceeded': { dimension: 'cpu', after: '12500m', limit: '12', stage: 'produktion' },
    'budget-exceeded': { dimension: 'budgetPerMonth', after: '2600.50', limit: '2500.00' },
    'kontingent-near-limit': { dimension: 'storage', after: '460Gi', limit: '500Gi' },
  };
  const UNIT = /^(\s|\u00a0)*(%|€|Kerne?|cores?|GiB|TiB|Bytes|bytes|Zeichen|characters|Ebenen|levels|Aliase|aliases|Knoten|nodes|YAML-Dokumente|YAML documents|pro Monat|per month)/;

  for (const code of Object.keys(FINDING_CODES) as FindingCode[]) {
    for (const locale of ['de', 'en'] as const) {
      test(`${code} (${locale})`, () => {
        const params = { tenant: 'amt', stage: 'produktion', name: 'x', segment: 'Amt', size: 'XXL', ...NUMERIC[code], ...QUANTITY[code] };
        const message = FINDING_MESSAGES[code][locale](params);
        // Numbers inside names, codes, pointers and dates are not amounts.
        const prose = message.replace(/\/\S*|\d{4}-\d{2}-\d{2}|sha256:\S*|UTF-8|DE\b|DNS-Labels|DNS labels|\(a-z, 0-9, -\)/g, '');
        for (const m of prose.matchAll(/[€+-]?\d[\d.,]*/g)) {
          const before = prose.slice(0, m.index);
          const after = prose.slice(m.index + m[0].length);
          expect(m[0].startsWith('€') || /€$/.test(before) || UNIT.test(after), `"${m[0]}" in: ${message}`).toBe(true);
        }
      });
    }
  }
});
