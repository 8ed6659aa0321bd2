/**
 * Rendering on two threads (src/cli/render-assist.ts, src/cli/render-worker.ts): the output must
 * not depend on which thread rendered which directory, and a failing helper must not lose a
 * directory. In-process tests drive the built helper (dist/render-worker.mjs) directly; process
 * tests compare the CLI with FREIGABE_RENDER_THREADS=2 against =1.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain JavaScript module of the benchmark, without types
import { generateEstate } from '../../bench/generate-estate.mjs';
import { loadEstate } from '../../src/core/load.js';
import { renderEstate, type RenderAssist, type RenderResult } from '../../src/core/render.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { readDirectorySnapshot } from '../../src/cli/read-dir.js';
import { RenderHelper, threadMode, type HelperSession } from '../../src/cli/render-assist.js';
import { assertBuilt, freigabe, REPO_ROOT, STACK_TRACE, tempDir } from './helpers.js';
import { readTreeText } from '../helpers/files.js';

const WORKER = join(REPO_ROOT, 'dist', 'render-worker.mjs');
const N = 24;

let dir: string;
let snapshot: Snapshot;

beforeAll(() => {
  assertBuilt();
  dir = join(tempDir('assist'), 'estate');
  generateEstate(N, dir);
  snapshot = readDirectorySnapshot(dir, 'de').snapshot;
});
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

/** Blocks this thread until `done()` or the time is up (the helper works on its own thread meanwhile). */
function waitUntil(done: () => boolean, ms = 30_000): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) Atomics.wait(pause, 0, 0, 10);
}

/**
 * Wraps a helper's assist so that this thread claims nothing before the helper has claimed
 * everything: then every directory is the helper's, whatever the machine's speed.
 */
function helperTakesAll(assist: RenderAssist & { start(count: number): HelperSession | undefined }, seen: { helper: number }): RenderAssist {
  return {
    start(count) {
      const session = assist.start(count);
      if (!session) throw new Error('the helper did not start a session');
      let first = true;
      return {
        claim() {
          if (first) waitUntil(() => session.claimed() === count);
          first = false;
          return session.claim();
        },
        finish() {
          const outcomes = session.finish();
          seen.helper = outcomes.size;
          return outcomes;
        },
      };
    },
  };
}

function comparable(r: RenderResult) {
  return { files: [...r.files], diagnostics: r.diagnostics };
}

function withHelper<T>(workerFile: string, snapshots: Snapshot[], fn: (helper: RenderHelper) => T): T {
  const helper = RenderHelper.start({ workerFile, mode: 'always', snapshots, preload: 0 });
  if (!helper) throw new Error('no helper started');
  try {
    return fn(helper);
  } finally {
    helper.close();
  }
}

describe('render helper thread', () => {
  it('renders the same files and findings as one thread, also when the helper renders every directory', () => {
    const estate = loadEstate({ snapshot }).value;
    const alone = renderEstate({ estate });
    const seen = { helper: 0 };
    const shared = withHelper(WORKER, [snapshot], (helper) => renderEstate({ estate, assist: helperTakesAll(helper.assist(snapshot)!, seen) }));
    expect(seen.helper).toBe(N * 4);
    expect(comparable(shared)).toEqual(comparable(alone));
    expect(alone.files.size).toBeGreaterThan(N * 4 * 10);
  });

  it('reports a broken override once and leaves out the same directories, whoever rendered them', () => {
    const files = new Map(snapshot.files);
    // A service template that emits a kind outside the allow-list: every directory with a service fails.
    files.set('templates/service.yaml.hbs', new TextEncoder().encode('apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{yaml component.name}}\n'));
    // and one booking that names an unknown size: its directory is not rendered
    const booking = [...files.keys()].find((p) => p.endsWith('/verfahren/fv-03/abnahme.yaml'))!;
    files.set(booking, new TextEncoder().encode(new TextDecoder().decode(files.get(booking)).replace(/size: \w+/, 'size: XXXL')));
    const broken: Snapshot = { files };
    const estate = loadEstate({ snapshot: broken }).value;
    const alone = renderEstate({ estate });
    const seen = { helper: 0 };
    const shared = withHelper(WORKER, [broken], (helper) => renderEstate({ estate, assist: helperTakesAll(helper.assist(broken)!, seen) }));
    expect(seen.helper).toBe(N * 4);
    expect(alone.diagnostics.filter((d) => d.code === 'render-kind-not-allowed')).toHaveLength(1);
    expect(comparable(shared)).toEqual(comparable(alone));
  });

  it('renders the Fachverfahren asked for only, with every renderable one listed in the stage', () => {
    const estate = loadEstate({ snapshot }).value;
    const verfahren = new Set(['fv-01', 'fv-17']);
    const alone = renderEstate({ estate, verfahren, stages: ['abnahme', 'produktion'] });
    const seen = { helper: 0 };
    const shared = withHelper(WORKER, [snapshot], (helper) =>
      renderEstate({ estate, verfahren, stages: ['abnahme', 'produktion'], assist: helperTakesAll(helper.assist(snapshot, { verfahren, stages: ['abnahme', 'produktion'] })!, seen) }),
    );
    expect(seen.helper).toBe(N * 2);
    expect(comparable(shared)).toEqual(comparable(alone));
    // rendered: the two asked for; listed in the stage: all of them
    expect([...shared.files.keys()].filter((p) => p.endsWith('/statefulset-db.yaml'))).toEqual(['abnahme/fv-01/statefulset-db.yaml', 'abnahme/fv-17/statefulset-db.yaml', 'produktion/fv-01/statefulset-db.yaml', 'produktion/fv-17/statefulset-db.yaml']);
    expect(shared.files.get('produktion/kustomization.yaml')).toContain('fv-23');
  });

  it('renders what a failing helper claimed on this thread instead', () => {
    // A stand-in helper that claims every directory, then reports an error instead of results.
    const fake = join(dir, '..', 'failing-worker.mjs');
    writeFileSync(
      fake,
      `import { parentPort, workerData } from 'node:worker_threads';
parentPort.on('message', (request) => {
  const control = new Int32Array(request.control);
  while (Atomics.add(control, 0, 1) < request.count);
  workerData.replies.postMessage({ session: request.session, error: 'simulated failure' });
  Atomics.store(control, 1, 1);
  Atomics.notify(control, 1);
});
`,
    );
    const estate = loadEstate({ snapshot }).value;
    const alone = renderEstate({ estate });
    const seen = { helper: -1 };
    const shared = withHelper(fake, [snapshot], (helper) => renderEstate({ estate, assist: helperTakesAll(helper.assist(snapshot)!, seen) }));
    expect(seen.helper).toBe(0);
    expect(comparable(shared)).toEqual(comparable(alone));
  });

  it('is started automatically only for large estates, and never with FREIGABE_RENDER_THREADS=1', () => {
    expect(RenderHelper.start({ workerFile: WORKER, mode: 'auto', snapshots: [snapshot] })).toBeUndefined(); // N × 5 files < AUTO_MIN_FILES
    expect(RenderHelper.start({ workerFile: WORKER, mode: 'off', snapshots: [snapshot] })).toBeUndefined();
    expect(RenderHelper.start({ workerFile: undefined, mode: 'always', snapshots: [snapshot] })).toBeUndefined();
    expect(threadMode({}, 'de')).toBe('auto');
    expect(threadMode({ FREIGABE_RENDER_THREADS: '1' }, 'de')).toBe('off');
    expect(threadMode({ FREIGABE_RENDER_THREADS: '2' }, 'de')).toBe('always');
    expect(() => threadMode({ FREIGABE_RENDER_THREADS: 'viele' }, 'en')).toThrow(/FREIGABE_RENDER_THREADS/);
  });
});

describe('CLI with and without the helper thread', () => {
  const one = { FREIGABE_RENDER_THREADS: '1' };
  const two = { FREIGABE_RENDER_THREADS: '2' };

  it('validate and plan print the same bytes', () => {
    const empty = tempDir('assist-empty');
    try {
      for (const args of [
        ['validate', '--format', 'json'],
        ['plan', '--base', empty, '--format', 'json'],
        ['plan', '--base-ref', 'HEAD~1', '--format', 'json'],
      ]) {
        const a = freigabe(args, { cwd: dir, env: one });
        const b = freigabe(args, { cwd: dir, env: two });
        expect(a.code, a.stderr).toBe(0);
        expect(b.code, b.stderr).toBe(0);
        expect(b.stdout).toBe(a.stdout);
        expect(b.stdout.length).toBeGreaterThan(1000);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('render --out writes the same tree', () => {
    const out = tempDir('assist-out');
    try {
      expect(freigabe(['render', '--out', join(out, 'a')], { cwd: dir, env: one }).code).toBe(0);
      expect(freigabe(['render', '--out', join(out, 'b')], { cwd: dir, env: two }).code).toBe(0);
      const a = readTreeText(join(out, 'a'));
      const b = readTreeText(join(out, 'b'));
      expect(Object.keys(a).length).toBeGreaterThan(N * 4 * 10);
      expect(b).toEqual(a);
      expect(readFileSync(join(out, 'b', 'produktion', 'kustomization.yaml'), 'utf8')).toContain('fv-23');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses an unknown FREIGABE_RENDER_THREADS with a message, exit 2', () => {
    const r = freigabe(['validate'], { cwd: dir, env: { FREIGABE_RENDER_THREADS: 'viele' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FREIGABE_RENDER_THREADS');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});
