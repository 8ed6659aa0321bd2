/**
 * The YAML layer of rendering: the scalar encoder templates use, the canonical emitter, and the
 * fast-path parser, each checked against js-yaml (an independent implementation).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { dump, load, loadAll, CORE_SCHEMA, YAML11_SCHEMA } from 'js-yaml';
import { emitYaml, parseManifests, parseSubset, quoteString, yamlScalar } from '../src/core/yaml-safe.js';
import { HOSTILE_VALUES } from './fixtures/render/hostile.js';
import { GOLDEN } from './fixtures/render/golden.js';

const EXTRA = ['para\u2028graph\u2029', 'next\u0085line', 'bell\u0007 del\u007f bom\ufeff nul\u0000', 'lone \ud800', '\uffff\ufffe', 'tab\t', 'cr\r\n'];

describe('yamlScalar', () => {
  test('a string becomes one double-quoted scalar that reads back as the same string', () => {
    for (const value of [...HOSTILE_VALUES, ...EXTRA]) {
      const encoded = yamlScalar(value);
      expect(encoded, JSON.stringify(value)).toMatch(/^"[^\n\r\u0085\u2028\u2029]*"$/);
      expect(load(`key: ${encoded}`, { schema: CORE_SCHEMA }), JSON.stringify(value)).toEqual({ key: value });
      // YAML 1.1 readers (kubectl's heritage) agree.
      expect(load(`key: ${encoded}`, { schema: YAML11_SCHEMA }), JSON.stringify(value)).toEqual({ key: value });
    }
  });

  test('the YAML-only line breaks and non-printables are escaped, not written raw', () => {
    expect(quoteString('a\u2028b\u2029c\u0085d\u007fe\ufeff')).toBe('"a\\u2028b\\u2029c\\u0085d\\u007fe\\ufeff"');
  });

  test('numbers, booleans and null are plain; other things are refused', () => {
    expect([yamlScalar(42), yamlScalar(-1.5), yamlScalar(true), yamlScalar(false), yamlScalar(null), yamlScalar(12n)]).toEqual(['42', '-1.5', 'true', 'false', 'null', '12']);
    for (const bad of [undefined, {}, [], NaN, Infinity, () => 1, Symbol('s')]) expect(() => yamlScalar(bad)).toThrow();
  });
});

describe('emitYaml', () => {
  const sample = {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', labels: { 'z.example/b': 'x', 'a.example/a': 'y' }, annotations: {} },
    spec: {
      replicas: 2,
      list: [],
      items: [{ b: 1, a: [1, 2] }, 'plain', ['nested', { k: null }], {}],
      flags: { on: 'on', yes: 'Yes', n: 'N', t: true, num: '0777', dot: '.5', date: '2024-01-01', time: '12:30', neg: '-1', empty: '' },
    },
  };

  test('sorts keys, indents sequences under their key and ends with a newline', () => {
    expect(emitYaml({ b: 1, a: { d: [{ q: 1, p: 2 }], c: 'v' } })).toBe('a:\n  c: v\n  d:\n    - p: 2\n      q: 1\nb: 1\n');
    // "y" is a boolean in YAML 1.1, so even as a key it is quoted.
    expect(emitYaml({ y: 'n' })).toBe('"y": "n"\n');
  });

  test('reads back identically with js-yaml, under the YAML 1.2 and 1.1 schemas', () => {
    for (const value of [sample, Object.fromEntries([...HOSTILE_VALUES, ...EXTRA].map((v, i) => [`k${i}`, v])), Object.fromEntries([...HOSTILE_VALUES, ...EXTRA].map((v) => [v, v]))]) {
      const text = emitYaml(value);
      expect(load(text, { schema: CORE_SCHEMA })).toEqual(value);
      expect(load(text, { schema: YAML11_SCHEMA })).toEqual(value);
    }
  });

  test('is independent of key insertion order', () => {
    const reversed = JSON.parse(JSON.stringify(sample), (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
    expect(emitYaml(reversed)).toBe(emitYaml(sample));
  });

  test('agrees with js-yaml dump (sortKeys) on structure', () => {
    expect(load(emitYaml(sample), { schema: CORE_SCHEMA })).toEqual(load(dump(sample, { sortKeys: true, noRefs: true, lineWidth: -1 }), { schema: CORE_SCHEMA }));
  });
});

/** Every golden file, and the template-style text of each: the fast path's everyday input. */
function goldenTexts(): string[] {
  const texts: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else texts.push(readFileSync(p, 'utf8'));
    }
  };
  walk(GOLDEN);
  return texts;
}

describe('parseManifests', () => {
  test('the fast path reads every golden file, exactly as js-yaml does', () => {
    const texts = goldenTexts();
    expect(texts.length).toBeGreaterThan(300);
    for (const text of texts) {
      expect(parseSubset(text)).toEqual(loadAll(text, { schema: CORE_SCHEMA }));
    }
  });

  // Inputs near the edge of the subset: the fast path must either agree with js-yaml or decline.
  const EDGE_CASES = [
    'a: 1\nb: "x"\n',
    '---\na: 1\n---\nb: 2\n',
    'a: 1\n---\n',
    '# only a comment\n',
    '',
    'a:\n- 1\n- 2\nb: 3\n',
    'a:\n  - x: 1\n    y: 2\n  - z\n',
    'a:\n  -\n    b: 1\n',
    '- - a\n',
    'a: b: c\n',
    'a: b # comment\n',
    'a: "b" # comment\n',
    'a: "b"c\n',
    "a: 'single'\n",
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: !custom x\n',
    'a: |\n  literal\n',
    'a: >\n  folded\n',
    'a: {b: 1}\n',
    'a: [1, 2]\n',
    'a: {}\nb: []\n',
    'a: 0x1F\nb: 0o17\nc: 1e3\nd: .inf\ne: -0\nf: +1\ng: 007\n',
    'a: True\nb: NULL\nc: ~\nd: yes\ne: on\n',
    'True: 1\n',
    'null: 1\n',
    '1: a\n',
    '"quoted key": 1\n"k\\"x": 2\n',
    '__proto__: {"polluted": true}\n',
    'a: 1\na: 2\n',
    'a:\n  b: 1\n c: 2\n',
    'a:\n  b: 1\n    c: 2\n',
    'a: 1\n  b: 2\n',
    ' a: 1\n b: 2\n',
    'a:\tb\n',
    'a: "\\x41\\u0041\\U00000041\\N\\_\\L\\P\\0"\n',
    'a: "line\n  continued"\n',
    'a: "tab\tinside"\n',
    'a: "\\ud800"\n',
    'a: "emoji 🚀"\n',
    'key with space: 1\n',
    '? complex\n: key\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: 1\n...\n',
    '--- a: 1\n',
    'a: -\n',
    'a: - b\n',
    'a: /path/to:x\nb: http://x.example:8080/p\nc: a:b\nd: a:\n',
    'a: @x\n',
    'a: `x`\n',
    'a: =\n',
    'a: <<\n',
    '<<: {b: 1}\n',
    'a: b\u2028c\n',
    'a: b\u0085c\n',
    '\ufeffa: 1\n',
    'a: 1\r\nb: 2\r\n',
  ];

  test('on edge cases the fast path agrees with js-yaml or declines', () => {
    let accepted = 0;
    for (const text of EDGE_CASES) {
      const fast = parseSubset(text);
      if (fast === undefined) continue;
      accepted++;
      let expected: unknown;
      try {
        expected = loadAll(text, { schema: CORE_SCHEMA });
      } catch (e) {
        expect.fail(`fast path accepted ${JSON.stringify(text)}, which js-yaml rejects: ${(e as Error).message}`);
      }
      expect(fast, JSON.stringify(text)).toEqual(expected);
    }
    expect(accepted).toBeGreaterThan(5);
  });

  test('declines what it does not understand, and js-yaml decides', () => {
    for (const text of ['a: &x 1\nb: *x\n', "a: 'q'\n", 'a: {b: 1}\n', 'a: b # c\n', 'a: 0x1F\n', 'True: 1\n', '__proto__: 1\n', 'a: 1\na: 2\n']) {
      expect(parseSubset(text), JSON.stringify(text)).toBeUndefined();
    }
    expect(parseManifests("a: 'q'\n")).toEqual({ documents: [{ a: 'q' }], via: 'js-yaml' });
    // The fallback refuses aliases, custom tags and broken text, with js-yaml's message.
    for (const text of ['a: &x 1\nb: *x\n', 'a: !custom x\n', 'a: [unclosed\n', 'a: 1\na: 2\n']) {
      const r = parseManifests(text);
      expect(r.documents, JSON.stringify(text)).toBeUndefined();
      expect(r.error, JSON.stringify(text)).toBeTruthy();
    }
  });

  test('random mutations of a golden manifest: the fast path agrees with js-yaml or declines', () => {
    const base = readFileSync(join(GOLDEN, 'basic/produktion/wohngeld/deployment-web.yaml'), 'utf8');
    const pieces = [' ', '  ', '- ', ': ', ':', '"', '\\', '#', '---\n', '\n', '{}', '[]', 'a', '1', 'true', '&', '*', '!', "'", '|', '\t', '\u2028'];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let agreed = 0;
    for (let i = 0; i < 1500; i++) {
      let text = base;
      for (let m = 0; m < 1 + rand(3); m++) {
        const at = rand(text.length);
        const cut = rand(3);
        text = text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at + cut);
      }
      const fast = parseSubset(text);
      if (fast === undefined) continue;
      let expected: unknown;
      try {
        expected = loadAll(text, { schema: CORE_SCHEMA });
      } catch (e) {
        expect.fail(`fast path accepted a text js-yaml rejects (${(e as Error).message}):\n${text}`);
      }
      expect(fast, text).toEqual(expected);
      agreed++;
    }
    expect(agreed).toBeGreaterThan(50);
  });
});
