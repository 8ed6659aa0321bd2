/**
 * The image's runtime stage, replayed without Docker (this machine has no Docker daemon and no
 * registry): what the Dockerfile's runtime stage copies — package files, the build output, bin/
 * and app.yml — in an empty directory, only the production dependencies installed as its RUN
 * installs them (from npm's cache when it has them), then its CMD started as its USER with its
 * ENV. The app must start, answer /healthz and stop on SIGTERM: a runtime import of a
 * devDependency, a file the image lacks or a permission the user lacks fails here.
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, expect, test } from 'vitest';
import { freePort, throwawayKey, until } from '../queue/cluster.js';

const root = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const lines = (op: string) => [...runtime.matchAll(new RegExp(`^${op}\\s+(.*)$`, 'gm'))].map((m) => m[1]!.trim());

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the runtime stage on its own: production dependencies only, as the image user, starts, is healthy and stops on SIGTERM', async () => {
  dir = mkdtempSync(join(tmpdir(), 'freigabe-runtime-'));
  chmodSync(dir, 0o755);
  // COPY: from the build stage (our dist/, built by npm test) or from the context
  for (const copy of lines('COPY')) {
    const parts = copy.split(/\s+/);
    const fromBuild = parts[0] === '--from=build';
    const [dest, ...sources] = (fromBuild ? parts.slice(1) : parts).reverse();
    for (const source of sources) {
      const from = fromBuild ? join(root, source.replace(/^\/app\//, '')) : join(root, source);
      cpSync(from, dest!.endsWith('/') && !fromBuild ? join(dir, dest!, source) : join(dir, dest!), { recursive: true });
    }
  }
  // RUN: the install as the Dockerfile writes it (its cache clean is left out: it would empty this machine's npm cache)
  const [run] = lines('RUN');
  expect(run).toMatch(/^npm ci --omit=dev --ignore-scripts /);
  const install = run!.split('&&')[0]!.trim().split(/\s+/).slice(1);
  execFileSync('npm', [...install, '--prefer-offline'], { cwd: dir, stdio: 'pipe', timeout: 600_000 });
  expect(() => readFileSync(join(dir, 'node_modules', 'vitest', 'package.json'))).toThrow(); // no dev dependency came along
  chmodSync(dir, 0o755);

  const env = Object.fromEntries(lines('ENV').join(' ').split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  const [uid, gid] = lines('USER')[0]!.split(':').map(Number);
  const cmd = JSON.parse(lines('CMD')[0]!) as string[];
  expect(cmd[0]).toBe('node');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  // The image's node is readable by its user; this Node (e.g. npx's Node 24 under /root) may not be.
  const node = asRoot ? join(dir, '.node') : process.execPath;
  if (asRoot) {
    cpSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  const child = spawn(node, cmd.slice(1), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid, gid } : {}),
    env: {
      PATH: process.env.PATH,
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_ID: '123',
      PRIVATE_KEY: throwawayKey(),
      WEBHOOK_SECRET: 'throwaway-webhook-secret',
      GHE_HOST: '127.0.0.1:9', // nothing answers there: the app must start without GitHub
      GHE_PROTOCOL: 'http',
      FREIGABE_RECONCILE: 'false',
      LOG_FORMAT: 'json',
    },
  });
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (error) => (log += `spawn failed: ${error.message}\n`));
  try {
    await until('the runtime stage to answer /healthz', async () => {
      if (child.exitCode !== null || log.includes('spawn failed:')) throw new Error(`the app exited (${child.exitCode}):\n${log}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, 90_000);
    if (asRoot) expect(readFileSync(`/proc/${child.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 600_000);
