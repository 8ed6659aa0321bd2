/**
 * Mutation fuzzing of the whole core on the bundled example estate: random YAML damage (inserted
 * tokens, deleted spans, duplicated and re-indented lines) in one or two files at a time. Whatever
 * the damage, validation and plan must not throw, and every finding must name a file and a line.
 * The same for damaged template overrides. Deterministic (a seeded generator);
 * FREIGABE_FUZZ_ITERATIONS=20000 runs a longer campaign.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { plan } from '../../src/core/plan.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { validateSnapshot } from '../../src/core/validate.js';
import { readTreeBytes } from '../helpers/files.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ITERATIONS = Number(process.env.FREIGABE_FUZZ_ITERATIONS ?? 250);
const TODAY = '2026-11-28';
/**
 * Speed is the benchmarks' job: on a loaded 2-core machine 250 iterations took more than 30 s,
 * so the limit is 10 minutes plus two seconds an iteration (a hang still fails).
 */
const HEAVY_TIMEOUT = 600_000 + ITERATIONS * 2_000;

const TOKENS = [
  '\n', ' ', ':', '- ', '{', '}', '[', ']', '"', "'", '&a', '*a', '!!str', '!foo', '#', '---', '...', '|', '>', '0', '-1',
  '1e309', '.inf', '~', 'null', 'true', '99999999999999999999', '\t', '\u2028', '\ufeff', '%YAML 1.2', '?', ',', 'XXL', '1Ti',
  '0.0001m', '../x', 'produktion', '__proto__', 'constructor', '\u0000', '@', '`',
];

/** A linear congruential generator: the same seed gives the same mutations on every machine. */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  let s = text;
  for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
    const at = Math.floor(rnd() * (s.length + 1));
    const r = rnd();
    const lines = s.split('\n');
    const k = Math.floor(rnd() * lines.length);
    if (r < 0.4) s = s.slice(0, at) + pick(TOKENS) + s.slice(at);
    else if (r < 0.7) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
    else if (r < 0.85) s = [...lines.slice(0, at % lines.length), lines[k], ...lines.slice(at % lines.length)].join('\n');
    else s = lines.map((l, i) => (i === k ? ' '.repeat(Math.floor(rnd() * 6)) + l.trimStart() : l)).join('\n');
  }
  return s;
}

test(`${ITERATIONS} damaged estates: no exception, every finding with file and line`, () => {
  const files = new Map([...readTreeBytes(join(ROOT, 'environments'))].map(([p, b]) => [`environments/${p}`, b]));
  const paths = [...files.keys()].filter((p) => p.endsWith('.yaml'));
  const base = snapshotOf(new Map(files));
  const rnd = generator(20261128);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const codes = new Set<string>();
  for (let i = 0; i < ITERATIONS; i++) {
    const head = new Map(files);
    for (let j = 1 + Math.floor(rnd() * 2); j > 0; j--) {
      const path = paths[Math.floor(rnd() * paths.length)];
      head.set(path, encoder.encode(mutate(decoder.decode(head.get(path)), rnd)));
    }
    const snapshot = { files: head };
    const context = `iteration ${i}`;
    const { diagnostics } = validateSnapshot({ snapshot, today: TODAY });
    for (const d of diagnostics) {
      codes.add(d.code);
      expect(d.file, `${context}: ${JSON.stringify(d)}`).toMatch(/^environments\/./);
      expect(Number.isInteger(d.line) && d.line >= 1, `${context}: ${JSON.stringify(d)}`).toBe(true);
    }
    if (i % 5 === 0) {
      const p = plan({ base, head: snapshot, today: TODAY });
      expect(p.ok, context).toBe(!p.findings.some((d) => d.severity === 'error'));
    }
  }
  // The damage reaches several layers: syntax, schema and the rules behind them.
  expect(codes.size).toBeGreaterThan(8);
}, HEAVY_TIMEOUT);

const TEMPLATE_TOKENS = [
  '{{', '}}', '{{yaml verfahren.name}}', '{{#each component.env}}', '{{/each}}', '{{#if component.ingress}}', '{{/if}}', '{{else}}',
  '{{this}}', '{{@key}}', '{{../namespace}}', '{{{x}}}', '{{> p}}', '{{!-- c --}}', '{{yaml}}', '{{yaml a b}}', '{{lookup . "x"}}',
  '{{yaml @root.namespace}}', '{{yaml constructor}}', '{{yaml __proto__}}', '\n', ' ', ':', '- ', '---', 'kind: Secret',
  '{{yaml component.name.length}}', '{{#with component}}', '{{/with}}', '{{yaml (yaml 1)}}', '{{*decorator}}', '\\{{', '{{~yaml x~}}',
];

test(`${Math.ceil(ITERATIONS / 2)} damaged template overrides: no exception, every finding with file and line`, async () => {
  const { builtinTemplates } = await import('../../src/core/generated/builtin-templates.js');
  const files = new Map([...readTreeBytes(join(ROOT, 'environments'))].map(([p, b]) => [`environments/${p}`, b]));
  const encoder = new TextEncoder();
  files.set('.github/freigabe.yml', encoder.encode('templates: template-overrides\n'));
  const names = Object.keys(builtinTemplates);
  const rnd = generator(4711);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  let templateFindings = 0;
  for (let i = 0; i < Math.ceil(ITERATIONS / 2); i++) {
    const name = pick(names);
    let text = builtinTemplates[name];
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
      const at = Math.floor(rnd() * text.length);
      text = rnd() < 0.6 ? text.slice(0, at) + pick(TEMPLATE_TOKENS) + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 15));
    }
    const head = new Map(files).set(`template-overrides/${name}`, encoder.encode(text));
    const { diagnostics } = validateSnapshot({ snapshot: { files: head }, today: TODAY });
    for (const d of diagnostics) {
      expect(d.file, `iteration ${i}: ${JSON.stringify(d)}`).toMatch(/^(environments|template-overrides)\/./);
      expect(Number.isInteger(d.line) && d.line >= 1, `iteration ${i}: ${JSON.stringify(d)}`).toBe(true);
      if (d.file.startsWith('template-overrides/')) templateFindings++;
    }
  }
  // Most damage breaks the template, and the findings point into the override.
  expect(templateFindings).toBeGreaterThan(ITERATIONS / 10);
}, HEAVY_TIMEOUT);
