import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = join(import.meta.dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers a file imports (static and dynamic). */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push(m[1] ?? m[2]);
  }
  return specs;
}

const FORBIDDEN_MODULES = /^(node:)?(fs|fs\/promises|child_process|http|https|http2|net|tls|dgram|dns|os|process|worker_threads|cluster)$/;
const FORBIDDEN_PACKAGES = /^(probot|@octokit\/|@kubernetes\/client-node|express|ioredis|nock|playwright)/;

describe('src/core stays pure', () => {
  const files = tsFiles('src/core');
  test('there is a core to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    test(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      for (const spec of importsOf(text)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(FORBIDDEN_MODULES);
        expect(spec, `${file} imports ${spec}`).not.toMatch(FORBIDDEN_PACKAGES);
        expect(spec, `${file} imports an adapter`).not.toMatch(/^\.\.\/(github|cli|web|kubernetes)\b/);
      }
      expect(text, `${file} reads the environment`).not.toMatch(/\bprocess\.(env|argv|exit|cwd)\b/);
      expect(text, `${file} reads the clock`).not.toMatch(/\bnew Date\(\)|\bDate\.now\(\)/);
    });
  }

  test('the checker itself catches a forbidden import', () => {
    expect(importsOf("import { readFileSync } from 'node:fs';")[0]).toMatch(FORBIDDEN_MODULES);
    expect(importsOf("const x = await import('../github/app.js');")[0]).toMatch(/^\.\.\/(github|cli|web|kubernetes)\b/);
  });
});

/** A cycle of relative imports among `files` (type imports count: they tie the modules' designs together), or undefined. */
function importCycle(files: readonly string[]): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    edges.set(file, importsOf(text).filter((s) => s.startsWith('.')).map((s) => join(file, '..', s).replace(/\.js$/, '.ts')).filter((t) => files.includes(t)));
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of files) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('src/github reads as intake → queue → workers', () => {
  test('no module of the GitHub app imports itself through others', () => {
    expect(importCycle(tsFiles('src/github'))).toBeUndefined();
  });
  test('the queue knows no domain: src/github/queue/ imports nothing of the app but platform/loggable.ts', () => {
    for (const file of tsFiles('src/github/queue')) {
      for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
        if (spec.startsWith('..')) expect(spec, `${file} imports ${spec}`).toBe('../platform/loggable.js');
      }
    }
  });

  /** The folders of src/github and what each may import of the others; the files at the top (app.ts, workers.ts …) wire them and are imported by none. */
  const LAYERS: Record<string, readonly string[]> = {
    platform: [],
    queue: ['platform'],
    intake: ['queue', 'platform'],
    'pull-request': ['platform'],
    publication: ['pull-request', 'platform'],
    reconciliation: ['publication', 'pull-request', 'platform'],
  };
  test('every folder of src/github has a rule', () => {
    const folders = readdirSync(join(root, 'src/github'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(LAYERS).sort());
  });
  test('imports run one way: platform/ under everything, pull-request/ → publication/ → reconciliation/, never back to intake/, queue/ or the top', () => {
    for (const [folder, allowed] of Object.entries(LAYERS)) {
      for (const file of tsFiles(`src/github/${folder}`)) {
        for (const spec of importsOf(readFileSync(join(root, file), 'utf8')).filter((s) => s.startsWith('.'))) {
          const target = relative('src/github', join(file, '..', spec));
          if (target.startsWith('..')) continue; // outside the app: core, i18n, ops …
          const into = target.includes('/') ? target.split('/')[0] : 'the top';
          if (into !== folder) expect(allowed, `${file} imports ${spec}`).toContain(into);
        }
      }
    }
  });
});
