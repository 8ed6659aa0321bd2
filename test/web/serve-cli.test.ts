/**
 * `freigabe serve` as a real process (the built CLI): it binds to 127.0.0.1 only, serves the
 * page, its assets and the JSON API of the checkout, and rejects bad input with exit code 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { assertBuilt, BIN, freigabe, REPO_ROOT } from '../cli/helpers.js';

// Every server this file starts is stopped after its test (kill() of an exited child is a no-op).
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

beforeAll(() => assertBuilt());

/** Starts `freigabe serve --port 0` and resolves with the URL it prints. */
function serve(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`freigabe serve exited with ${code}`)));
  });
}

describe('freigabe serve', () => {
  test('serves the page, its assets and the JSON API of the checkout on 127.0.0.1 only', async () => {
    const url = await serve(['--repo', REPO_ROOT]);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Zum Inhalt springen');
    expect((await fetch(`${url}assets/dashboard.js`)).status).toBe(200);
    expect((await fetch(`${url}assets/dashboard.css`)).headers.get('content-type')).toContain('text/css');
    expect((await fetch(`${url}assets/../../package.json`)).status).toBe(404);
    const api = await (await fetch(`${url}api/dashboard`)).json();
    expect(api).toMatchObject({ apiVersion: 1, repository: null, sources: { pullRequests: false, clusters: false } });
    expect(api.verfahren.map((v: { name: string }) => v.name)).toContain('wohngeld');
    expect((await fetch(`${url}api/freigaben?login=bad%20login`)).status).toBe(400);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    // Not reachable on any other interface of this machine.
    const port = new URL(url).port;
    const others = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal);
    for (const i of others) {
      await expect(fetch(`http://${i!.address}:${port}/`)).rejects.toThrow();
    }
  });

  test('?lang=en gives the English page; German is the default, also for a browser set to English; --locale en changes the default', async () => {
    const url = await serve(['--repo', REPO_ROOT]);
    expect(await (await fetch(`${url}?lang=en`)).text()).toContain('<html lang="en">');
    expect(await (await fetch(url, { headers: { 'accept-language': 'en-US,en;q=0.9' } })).text()).toContain('<html lang="de">');
    const english = await serve(['--repo', REPO_ROOT, '--locale', 'en']);
    expect(await (await fetch(english)).text()).toContain('<html lang="en">');
    expect(await (await fetch(`${english}?lang=de`)).text()).toContain('<html lang="de">');
  });

  test('bad input: exit 2 with a message, no server', () => {
    const port = freigabe(['serve', '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port');
    const missing = freigabe(['serve', '--repo', join(REPO_ROOT, 'no-such-dir'), '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-dir');
    const help = freigabe(['--help']);
    expect(help.stdout).toContain('serve [--repo DIR] [--port N]');
  });
});
