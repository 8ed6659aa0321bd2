/**
 * Running the built `freigabe` CLI as a real process (node bin/freigabe.js), and making real
 * git repositories in a temp directory for it to read.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EstateBuilder } from '../helpers/estate.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'freigabe.js');

export function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'dist', 'freigabe-cli.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `freigabe <args>`; colour variables are cleared so output is deterministic unless `env` sets them. */
export function freigabe(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): RunResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start };
}

/** freigabe … --format json, parsed. */
export function json(args: readonly string[], options: { cwd?: string } = {}): { code: number | null; out: Record<string, unknown>; stderr: string } {
  const r = freigabe([...args, '--format', 'json'], options);
  let out: Record<string, unknown>;
  try {
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr}`);
  }
  return { code: r.code, out, stderr: r.stderr };
}

/** A stack trace looks like "    at fn (file:line:col)". */
export const STACK_TRACE = /^\s+at .+[:(]/m;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `freigabe-${prefix}-`));
}

export function writeTree(dir: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export function git(repo: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/** A git repository holding `builder`'s estate as its first commit. */
export function gitRepo(builder: EstateBuilder): string {
  const repo = tempDir('repo');
  git(repo, ['init', '-q', '-b', 'main']);
  writeTree(repo, builder.files());
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'base']);
  return repo;
}

/** Replaces the working tree's estate with `builder`'s (deleting files it no longer has), optionally committing. */
export function update(repo: string, builder: EstateBuilder, message?: string): void {
  rmSync(join(repo, 'environments'), { recursive: true, force: true });
  writeTree(repo, builder.files());
  if (message) {
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', message]);
  }
}
