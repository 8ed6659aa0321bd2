import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { freePort } from './helpers/ports.js';

// `npm start` runs dist/src/start.js (after `npm run build`, which `npm test` does first).
const root = join(import.meta.dirname, '..');
const start = join(root, 'dist', 'src', 'start.js');
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|NODE_ENV|GH_ORG|FREIGABE_.*)$/.test(k)),
);


const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
});

describe('npm start', () => {
  test('in production without credentials it stops with a message naming what is missing, no stack', () => {
    const r = spawnSync(process.execPath, [start], { cwd: root, env: { ...cleanEnv, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Produktionsbetrieb/);
    for (const name of ['APP_ID', 'WEBHOOK_SECRET']) expect(r.stderr).toContain(name);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test('without credentials it prints the plan of the bundled estate and serves the setup page', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [start], { cwd: root, env: { ...cleanEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
    children.push(child.pid!);
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const deadline = Date.now() + 25_000;
    while (!/Listening on/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/Listening on/);
    // The plan: every Fachverfahren of environments/ is new, and the estate is clean.
    for (const v of ['wohngeld', 'melderegister', 'terminvergabe']) expect(out).toContain(v);
    expect(out).toMatch(/Plan ohne Fehler/);
    expect(out).toMatch(/keine Zugangsdaten der GitHub App/);
    const res = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/GitHub App/);
  });
});
