import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FINDING_CODES } from '../../src/core/diagnostics.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { validateSnapshot } from '../../src/core/validate.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WATCHDOG_SOURCE, listCases, materializeCase, readCase } from '../fixtures/bad-input/corpus.js';

const cases = listCases();
/**
 * Per case, load + validate must use less CPU time than this. CPU time, not wall time, and
 * generous: a loaded CI machine must not fail it; an expansion bomb or a quadratic parser
 * still does (they take minutes or run out of memory).
 */
const BUDGET_MS = 5_000;
/** A case still running after this long is a hang: the watchdog kills the run. */
const HANG_MS = 60_000;

const flags = new Int32Array(new SharedArrayBuffer(12));
let watchdog: Worker | undefined;

beforeAll(() => {
  watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer: flags.buffer, timeoutMs: HANG_MS, names: cases } });
  watchdog.unref();
});

afterAll(async () => {
  Atomics.store(flags, 0, -1);
  Atomics.notify(flags, 0);
  await watchdog?.terminate();
});

function watched<T>(index: number, run: () => T): T {
  Atomics.store(flags, 2, index);
  Atomics.store(flags, 1, 1);
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
  try {
    return run();
  } finally {
    Atomics.store(flags, 1, 0);
    Atomics.add(flags, 0, 1);
    Atomics.notify(flags, 0);
  }
}

describe('bad-input corpus', () => {
  test('has at least 25 cases, each expecting a known code on a real line', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    for (const name of cases) {
      const { expect: e, files } = readCase(name);
      expect(Object.keys(FINDING_CODES), name).toContain(e.code);
      expect(e.line, name).toBeGreaterThanOrEqual(1);
      const bytes = files.get(e.file);
      // the line exists in the file (files that are absent, e.g. platform-missing, say line 1)
      if (bytes) expect(e.line, name).toBeLessThanOrEqual(bytes.filter((b) => b === 0x0a).length + 1);
      else expect(e.line, name).toBe(1);
    }
  });

  cases.forEach((name, index) => {
    test(name, () => {
      const { expect: e, files } = readCase(name);
      const snapshot = snapshotOf(files);
      const started = process.cpuUsage();
      const { diagnostics } = watched(index, () => validateSnapshot({ snapshot, today: '2026-06-01' }));
      const used = process.cpuUsage(started);
      const elapsed = (used.user + used.system) / 1000;

      const found = diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line }));
      expect(found).toContainEqual({ code: e.code, file: e.file, line: e.line });
      expect(diagnostics.some((d) => d.severity === 'error'), 'exit code 1 needs an error').toBe(true);
      expect(elapsed, `${name} used ${elapsed.toFixed(0)} ms CPU`).toBeLessThan(BUDGET_MS);
    });
  });
});

describe('materializeCase', () => {
  test('writes a runnable repository with the generated 10 MB file and without expect.json', () => {
    const dir = materializeCase('yaml-10mb-file');
    expect(statSync(join(dir, 'environments/verfahren/demo/produktion.yaml')).size).toBe(10 * 1024 * 1024);
    expect(existsSync(join(dir, 'environments/platform.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'expect.json'))).toBe(false);
  });
});

describe('the watchdog', () => {
  test('kills a process whose main thread hangs', () => {
    const script = `
      const { Worker } = require('node:worker_threads');
      const flags = new Int32Array(new SharedArrayBuffer(12));
      new Worker(${JSON.stringify(WATCHDOG_SOURCE)}, { eval: true, workerData: { buffer: flags.buffer, timeoutMs: 200, names: ['endless-loop'] } });
      setTimeout(() => { Atomics.store(flags, 1, 1); Atomics.add(flags, 0, 1); Atomics.notify(flags, 0); for (;;) {} }, 100);
    `;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(result.signal).toBe('SIGKILL');
    expect(result.stderr).toContain('bad-input case "endless-loop" hangs');
  });
});
