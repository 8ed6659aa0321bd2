/**
 * The one mounting call in src/index.ts: through Probot's own Server and its `addHandler`, the
 * dashboard answers under /freigabe/ and every other path keeps Probot's behaviour.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { afterEach, expect, test } from 'vitest';
import app from '../../src/index.js';
import { throwawayPrivateKey } from '../github/app-harness.js';
import { freePort } from '../helpers/ports.js';

const saved = { ...process.env };
let server: Server | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  process.env = { ...saved };
});

async function startWith(env: Record<string, string>): Promise<string> {
  Object.assign(process.env, { FREIGABE_RECONCILE: 'false', ...env });
  for (const name of ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'FREIGABE_DASHBOARD_REPOSITORY']) if (!(name in env)) delete process.env[name];
  const log = pino({ level: 'warn' }, new Writable({ write: (_c, _e, cb) => cb() }));
  // Probot's Server reads `port: 0` as 3000, so the test asks for a free port.
  server = new Server({ Probot: Probot.defaults({ appId: 123, privateKey: throwawayPrivateKey(), secret: 'throwaway', log }), host: '127.0.0.1', port: await freePort(), log } as never);
  await server.load(app);
  const http = await server.start();
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

test('configured: /freigabe/ asks for sign-in; Probot\'s own routes still answer', async () => {
  const base = await startWith({ GITHUB_CLIENT_ID: 'Iv1.throwaway', GITHUB_CLIENT_SECRET: 'throwaway-secret', FREIGABE_DASHBOARD_REPOSITORY: 'itdz/estate' });
  const page = await fetch(`${base}/freigabe/`, { redirect: 'manual' });
  expect(page.status).toBe(302);
  expect(page.headers.get('location')).toBe('/freigabe/auth/login');
  expect((await fetch(`${base}/ping`)).status).toBe(200);
  expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
});

test('not configured: /freigabe/ names the missing variables', async () => {
  const base = await startWith({});
  const page = await fetch(`${base}/freigabe/`);
  expect(page.status).toBe(503);
  expect(await page.text()).toContain('GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, FREIGABE_DASHBOARD_REPOSITORY');
});
