/** The unified diffs of rendered manifests: git-style headers, hunks that `git apply` accepts. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diffManifest, diffManifests } from '../../src/core/manifest-diff.js';

describe('diffManifest', () => {
  test('equal texts give no diff', () => {
    expect(diffManifest('a/x.yaml', 'a: 1\n', 'a: 1\n')).toBeUndefined();
  });

  test('an added file is all plus lines against /dev/null', () => {
    expect(diffManifest('s/v/x.yaml', undefined, 'a: 1\nb: 2\n')).toEqual({
      path: 's/v/x.yaml',
      status: 'added',
      diff: '--- /dev/null\n+++ b/s/v/x.yaml\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n',
    });
  });

  test('a removed file is all minus lines; a missing final newline is marked', () => {
    expect(diffManifest('s/v/x.yaml', 'a: 1\nb: 2', undefined)?.diff).toBe('--- a/s/v/x.yaml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a: 1\n-b: 2\n\\ No newline at end of file\n');
  });

  test('a modified file has three lines of context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `k${i}: ${i}`).join('\n') + '\n';
    const after = before.replace('k10: 10', 'k10: ten');
    const d = diffManifest('x.yaml', before, after)!;
    expect(d.status).toBe('modified');
    expect(d.diff).toBe('--- a/x.yaml\n+++ b/x.yaml\n@@ -8,7 +8,7 @@\n k7: 7\n k8: 8\n k9: 9\n-k10: 10\n+k10: ten\n k11: 11\n k12: 12\n k13: 13\n');
  });

  test('diffManifests: sorted by path, unchanged files left out', () => {
    const before = new Map([['b.yaml', 'x\n'], ['a.yaml', 'same\n'], ['c.yaml', 'gone\n']]);
    const after = new Map([['b.yaml', 'y\n'], ['a.yaml', 'same\n'], ['0.yaml', 'new\n']]);
    expect(diffManifests(before, after).map((d) => `${d.status} ${d.path}`)).toEqual(['added 0.yaml', 'modified b.yaml', 'removed c.yaml']);
  });

  test('git apply accepts the concatenated diff and produces the new tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'freigabe-diff-'));
    try {
      const before = new Map([['s/v/a.yaml', 'a: 1\nb: 2\nc: 3\n'], ['s/v/gone.yaml', 'x: 1\n']]);
      const after = new Map([['s/v/a.yaml', 'a: 1\nb: 20\nc: 3\nd: 4\n'], ['s/v/new.yaml', 'n: 1\n']]);
      for (const [path, text] of before) {
        mkdirSync(join(dir, 's/v'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const patch = diffManifests(before, after).map((d) => d.diff).join('');
      writeFileSync(join(dir, 'p.diff'), patch);
      execFileSync('git', ['apply', '--unsafe-paths', '--directory=.', 'p.diff'], { cwd: dir, stdio: 'pipe' });
      expect(readFileSync(join(dir, 's/v/a.yaml'), 'utf8')).toBe(after.get('s/v/a.yaml'));
      expect(readFileSync(join(dir, 's/v/new.yaml'), 'utf8')).toBe('n: 1\n');
      expect(() => readFileSync(join(dir, 's/v/gone.yaml'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
