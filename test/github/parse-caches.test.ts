import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { plan } from '../../src/core/plan.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { ParseCaches } from '../../src/github/platform/parse-caches.js';
import { readTreeBytes } from '../helpers/files.js';

const root = join(import.meta.dirname, '..', '..');
function exampleFiles(): Record<string, Uint8Array> {
  return Object.fromEntries([...readTreeBytes(join(root, 'environments'))].map(([path, bytes]) => [`environments/${path}`, bytes]));
}

describe('ParseCaches', () => {
  test('one cache per repository, case-insensitive, least recently used dropped first', () => {
    const caches = new ParseCaches(2);
    const a = caches.for('Senfin', 'Estate');
    expect(caches.for('senfin', 'estate')).toBe(a);
    caches.for('o', 'b');
    caches.for('senfin', 'estate'); // a is now the most recent
    caches.for('o', 'c'); // drops o/b
    expect(caches.size).toBe(2);
    expect(caches.for('senfin', 'estate')).toBe(a);
    expect(caches.for('o', 'b')).not.toBe(a);
  });

  test('a plan through a warm cache is the same plan, and the cache holds every estate file once', () => {
    const base = exampleFiles();
    const file = 'environments/verfahren/wohngeld/vorpruefung.yaml';
    const head = { ...base, [file]: new TextEncoder().encode(new TextDecoder().decode(base[file]).replace(/replicas: 1/, 'replicas: 2')) };
    const params = { base: snapshotOf(base), head: snapshotOf(head), today: '2026-11-28' };
    const cold = plan(params);
    const cache = new ParseCaches().for('o', 'r');
    plan({ ...params, parseCache: cache });
    const warm = plan({ ...params, parseCache: cache });
    expect(JSON.stringify(warm.findings)).toBe(JSON.stringify(cold.findings));
    expect(JSON.stringify(warm.changes)).toBe(JSON.stringify(cold.changes));
    expect(JSON.stringify(warm.kontingent)).toBe(JSON.stringify(cold.kontingent));
    expect(warm.changes.length).toBeGreaterThan(0);
    const yamlFiles = Object.keys(base).filter((p) => p.endsWith('.yaml'));
    expect(cache.size).toBe(yamlFiles.length);
  });
});
