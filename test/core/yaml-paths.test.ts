import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseYaml, parseYamlCarefully } from '../../src/core/yaml.js';

// parseYaml loads plain documents with js-yaml 4 (fast) and everything else with js-yaml 5's
// event parser (careful); line numbers always come from the events. Both paths must agree on
// every value and every line, or a file's findings would depend on which path read it.
const root = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) && statSync(path).size < 300_000 ? [path] : [];
  });
}

function pointers(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => pointers(v, `${at}/${i}`))];
  if (value && typeof value === 'object') {
    return [at, ...Object.entries(value).flatMap(([k, v]) => pointers(v, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`))];
  }
  return [at];
}

const corpus = ['environments', 'test/fixtures'].flatMap((d) => yamlFiles(join(root, d)));

describe('fast and careful YAML paths agree', () => {
  test('the corpus is large enough to mean something', () => {
    expect(corpus.length).toBeGreaterThan(100);
  });

  test('same value, same diagnostics codes and the same line for every pointer', () => {
    let compared = 0;
    for (const path of corpus) {
      const file = relative(root, path);
      const bytes = readFileSync(path);
      const fast = parseYaml(file, bytes);
      const careful = parseYamlCarefully(file, bytes);
      expect(fast.diagnostics.map((d) => [d.code, d.line]), file).toEqual(careful.diagnostics.map((d) => [d.code, d.line]));
      expect(fast.value, file).toEqual(careful.value);
      if (careful.value !== undefined) {
        for (const p of pointers(careful.value)) expect(fast.lines.lineOf(p), `${file} ${p}`).toBe(careful.lines.lineOf(p));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  const enc = (s: string) => new TextEncoder().encode(s);
  test.each([
    ['complex key', '? [a, b]\n: 1\n', 'yaml-syntax'],
    ['flow key', '[a]: 1\n', 'yaml-syntax'],
    ['duplicate key', 'a: 1\na: 2\n', 'yaml-duplicate-key'],
    ['custom tag', 'a: !!binary aGk=\n', 'yaml-custom-tag'],
    ['deep flow', `a: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'yaml-too-deep'],
    ['two documents', 'a: 1\n---\nb: 2\n', 'yaml-multiple-documents'],
    ['only null', '~\n', 'yaml-empty'],
  ])('%s is rejected the same way through parseYaml', (_name, text, code) => {
    expect(parseYaml('f.yaml', enc(text)).diagnostics.map((d) => d.code)).toEqual([code]);
  });

  test('values with characters that route to the careful path still load', () => {
    const r = parseYaml('f.yaml', enc('env:\n  URL: "https://x.example/?a=1&b=2"\n  GREETING: Hallo!\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ env: { URL: 'https://x.example/?a=1&b=2', GREETING: 'Hallo!' } });
    expect(r.lines.lineOf('/env/GREETING')).toBe(3);
  });
});
