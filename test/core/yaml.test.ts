import { describe, expect, test } from 'vitest';
import { YAML_LIMITS, firstInvalidUtf8, parseYaml } from '../../src/core/yaml.js';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array) => parseYaml('f.yaml', typeof s === 'string' ? enc(s) : s);
const codes = (s: string | Uint8Array) => parse(s).diagnostics.map((d) => [d.code, d.line]);

describe('line mapping', () => {
  const text = [
    '# comment', // 1
    'apiVersion: freigabe/v1', // 2
    'spec:', // 3
    '  components:', // 4
    '    - name: web', // 5
    '      size: M', // 6
    '      env: { A: "1", B: x }', // 7
    '    - name: db', // 8
    '      volumes:', // 9
    '        - { name: data,', // 10
    '            size: 5Gi }', // 11
    '  "we/ird~key": 1', // 12
  ].join('\n');
  const { value, lines, diagnostics } = parse(text);

  test('keys and items map to the line they start on', () => {
    expect(diagnostics).toEqual([]);
    expect(value).toMatchObject({ spec: { components: [{ name: 'web' }, { name: 'db' }] } });
    expect(lines.lineOf('/apiVersion')).toBe(2);
    expect(lines.lineOf('/spec/components')).toBe(4);
    expect(lines.lineOf('/spec/components/0')).toBe(5);
    expect(lines.lineOf('/spec/components/0/size')).toBe(6);
    expect(lines.lineOf('/spec/components/0/env/B')).toBe(7);
    expect(lines.lineOf('/spec/components/1/volumes/0/name')).toBe(10);
    expect(lines.lineOf('/spec/components/1/volumes/0/size')).toBe(11);
    expect(lines.lineOf('/spec/we~1ird~0key')).toBe(12);
  });

  test('a pointer that does not exist falls back to its nearest ancestor', () => {
    expect(lines.lineOf('/spec/components/0/port')).toBe(5);
    expect(lines.lineOf('/nothing/here')).toBe(1);
    expect(lines.lineOf('')).toBe(1);
  });

  test('CRLF line ends count the same', () => {
    expect(parse('a: 1\r\nb:\r\n  c: 2\r\n').lines.lineOf('/b/c')).toBe(3);
  });
});

describe('rejected input', () => {
  test('duplicate keys, on the line of the second', () => {
    expect(codes('a: 1\nb:\n  c: 1\n  c: 2\n')).toEqual([['yaml-duplicate-key', 4]]);
    expect(parse('a: 1\na: 2\n').diagnostics[0].params).toEqual({ key: 'a' });
  });

  test.each([
    ['!!binary', 'a: !!binary aGVsbG8=\n'],
    ['!!js/function', 'a: !!js/function "function () { return 1 }"\n'],
    ['!<tag:yaml.org,2002:python/object>', 'x: 1\na: !<tag:yaml.org,2002:python/object> {}\n'],
    ['!Ref', 'x: 1\ny: 2\na: !Ref other\n'],
  ])('custom tag %s', (tag, text) => {
    const { diagnostics } = parse(text);
    expect(diagnostics.map((d) => [d.code, d.params.tag])).toEqual([['yaml-custom-tag', tag]]);
    expect(diagnostics[0].line).toBe(text.split('\n').length - 1);
  });

  test('standard tags that restate plain YAML are fine', () => {
    expect(parse('a: !!str 1\nb: !!int "2"\n')).toMatchObject({ value: { a: '1', b: 2 }, diagnostics: [] });
  });

  test('billion laughs is stopped at the alias bound, quickly', () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [n, p] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
      bomb.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(',')}]`);
    }
    const started = performance.now();
    const { diagnostics } = parse(bomb.join('\n'));
    expect(performance.now() - started).toBeLessThan(200);
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml-alias-limit']);
    expect(diagnostics[0].line).toBeLessThanOrEqual(bomb.length);
  });

  test('a few aliases are allowed', () => {
    expect(parse('base: &b { cpu: 1 }\nx: *b\ny: *b\n')).toMatchObject({ value: { x: { cpu: 1 }, y: { cpu: 1 } }, diagnostics: [] });
  });

  test(`nesting deeper than ${YAML_LIMITS.maxDepth}: flow and block`, () => {
    expect(codes('['.repeat(10_000) + ']'.repeat(10_000))).toEqual([['yaml-too-deep', 1]]);
    const block = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(codes(block)).toEqual([['yaml-too-deep', YAML_LIMITS.maxDepth]]);
  });

  test('a file over the size bound is not parsed at all', () => {
    const big = new Uint8Array(YAML_LIMITS.maxBytes + 1).fill(0x61);
    expect(parse(big).diagnostics.map((d) => [d.code, d.line, d.params.size])).toEqual([['yaml-too-large', 1, YAML_LIMITS.maxBytes + 1]]);
  });

  test('invalid UTF-8 names the line of the first bad byte', () => {
    const latin1 = Uint8Array.from([...enc('a: 1\nb: 2\ntitle: B'), 0xfc, ...enc('rgeramt\n')]);
    expect(codes(latin1)).toEqual([['yaml-not-utf8', 3]]);
  });

  test.each([
    ['lone continuation byte', [0x80], 0],
    ['overlong encoding of "/"', [0x61, 0xc0, 0xaf], 1],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['truncated sequence', [0x61, 0x62, 0xe2, 0x82], 2],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('firstInvalidUtf8: %s', (_name, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
  });

  test('valid multi-byte text and a BOM are accepted', () => {
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...enc('title: Bürgeramt – Straße 🏛\n')]);
    expect(parse(withBom)).toMatchObject({ value: { title: 'Bürgeramt – Straße 🏛' }, diagnostics: [] });
  });

  test('more than one document, on the line where the second starts', () => {
    expect(codes('a: 1\n---\nb: 2\n')).toEqual([['yaml-multiple-documents', 3]]);
  });

  test.each([
    ['empty file', ''],
    ['only a comment', '# nichts\n'],
    ['only a document marker', '---\n'],
  ])('%s', (_name, text) => {
    expect(codes(text)).toEqual([['yaml-empty', 1]]);
  });

  test('syntax errors carry the line js-yaml stopped at', () => {
    expect(codes('a: 1\nb: [1, 2\nc: 3\n')[0][0]).toBe('yaml-syntax');
    expect(codes('a:\n\tb: 1\n')).toEqual([['yaml-syntax', 2]]);
    expect(codes('a: "\u0000"\n')).toEqual([['yaml-syntax', 1]]);
  });

  test('complex keys and aliases as keys are syntax findings', () => {
    expect(codes('? [a, b]\n: 1\n')).toEqual([['yaml-syntax', 1]]);
    expect(codes('x: &k a\n*k : 1\n')).toEqual([['yaml-syntax', 2]]);
  });
});

describe('values', () => {
  test('dates stay strings, numbers stay numbers (YAML 1.2 core schema)', () => {
    expect(parse('until: 2027-03-31\ncpu: 0.5\nyes: yes\nn: ~\n').value).toEqual({ until: '2027-03-31', cpu: 0.5, yes: 'yes', n: null });
  });

  test('a merge key is an ordinary key, not a merge', () => {
    expect(parse('a: &x { k: 1 }\nb:\n  <<: *x\n').value).toEqual({ a: { k: 1 }, b: { '<<': { k: 1 } } });
  });
});
