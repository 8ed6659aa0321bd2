/**
 * /healthz, /readyz and /metrics served by a real Probot server on loopback, next to the
 * webhook path, with GitHub behind the strict OpenAPI mock.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server, type ApplicationFunction } from 'probot';
import { afterEach, describe, expect, test } from 'vitest';
import { freigabeApp } from '../../src/github/app.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createOperations, operationsApp, type Operations } from '../../src/ops/operations.js';
import { commentEvent, SECRET, throwawayPrivateKey } from '../github/app-harness.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { freePort } from '../helpers/ports.js';

const TestOctokit = ProbotOctokit.defaults(((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
})) as never);


interface Running {
  readonly url: string;
  readonly operations: Operations;
  readonly mock: GitHubMock;
  readonly logs: string[];
  readonly server: Server;
}

let running: Running | undefined;
let key: string | undefined;

async function start(options: { probeTimeoutMs?: number } = {}): Promise<Running> {
  key ??= throwawayPrivateKey();
  const logs: string[] = [];
  const log = pino({ level: 'trace' }, new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) }));
  const mock = new GitHubMock();
  nock.enableNetConnect('127.0.0.1');
  const port = await freePort();
  const server = new Server({
    host: '127.0.0.1',
    port,
    log,
    Probot: Probot.defaults({ appId: 123, privateKey: key, secret: SECRET, log, Octokit: TestOctokit }),
  });
  const operations = createOperations(createMetrics({ defaultMetrics: false }));
  const app: ApplicationFunction = (probot, opts) => {
    operationsApp({ operations, env: {}, ...options })(probot, opts);
    freigabeApp({ reconcile: false })(probot);
  };
  await server.load(app);
  await server.start();
  running = { url: `http://127.0.0.1:${port}`, operations, mock, logs, server };
  return running;
}

afterEach(async () => {
  if (!running) return;
  const { operations, server, mock } = running;
  running = undefined;
  const code = await operations.shutdown.run({ stopServer: () => server.stop(), delayMs: 0, timeoutMs: 10_000, log: operations.log });
  nock.disableNetConnect();
  mock.verify();
  expect(code).toBe(0);
});

const APP = { id: 123, slug: 'freigabe', name: 'freigabe', owner: { login: 'itdz' } };

describe('/healthz', () => {
  test('answers 200 while the process runs, without asking GitHub', async () => {
    const r = await start();
    const res = await fetch(`${r.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    expect(r.mock.requests).toHaveLength(0);
  });
});

describe('/readyz', () => {
  test('ready when GitHub accepts the app JWT; the answer is reused, so a second probe asks GitHub nothing', async () => {
    const r = await start();
    r.mock.on('GET', '/app', (req) => ({ body: { ...APP, seen: req.path } }));
    const first = await fetch(`${r.url}/readyz`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ready: true, checks: { github: 'ok' } });
    const second = await fetch(`${r.url}/readyz`);
    expect(second.status).toBe(200);
    expect(r.mock.find('GET', '/app')).toHaveLength(1);
  });

  test('not ready when GitHub rejects the credentials: 503 names the probe, the log says why, the body does not', async () => {
    const r = await start();
    r.mock.on('GET', '/app', { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' } });
    const res = await fetch(`${r.url}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ready: false, checks: { github: 'failed' } });
    expect(text).not.toContain('JSON web token');
    expect(r.logs.join('')).toMatch(/freigabe is not ready.*JSON web token|JSON web token.*freigabe is not ready/);
  });

  test('a probe that never answers fails within its bound; a plugged-in probe is part of the answer', async () => {
    const r = await start({ probeTimeoutMs: 100 });
    r.mock.on('GET', '/app', { body: APP });
    r.operations.readiness.add({ name: 'queue', check: () => new Promise(() => {}) });
    const res = await fetch(`${r.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, checks: { github: 'ok', queue: 'failed' } });
    expect(r.logs.join('')).toContain('no answer within 100 ms');
  });

  test('from the start of the shutdown on: 503', async () => {
    const r = await start();
    // The server stops only when the test says so: until then it still answers.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stopServer = async () => {
      await gate;
      await r.server.stop();
    };
    const done = r.operations.shutdown.run({ stopServer, delayMs: 0, timeoutMs: 10_000, log: r.operations.log });
    const res = await fetch(`${r.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, shuttingDown: true });
    release();
    expect(await done).toBe(0);
    await expect(fetch(`${r.url}/healthz`)).rejects.toThrow();
  });
});

describe('/metrics', () => {
  function deliver(url: string, payload: string, signature: string) {
    return fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': `d-${Math.random()}`, 'x-hub-signature-256': signature },
      body: payload,
    });
  }

  test('Prometheus text with the acknowledgement of every webhook delivery by status', async () => {
    const r = await start();
    // A comment that is no command: acknowledged without a GitHub request.
    const payload = JSON.stringify(commentEvent('looks good').payload);
    const ok = await deliver(r.url, payload, `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`);
    expect(ok.status).toBe(200);
    const forged = await deliver(r.url, payload, `sha256=${'0'.repeat(64)}`);
    expect(forged.status).toBe(400);
    await fetch(`${r.url}/healthz`); // not a webhook: not timed
    const res = await fetch(`${r.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^freigabe_webhook_ack_seconds_count\{status="200"\} 1$/m);
    expect(text).toMatch(/^freigabe_webhook_ack_seconds_count\{status="400"\} 1$/m);
    expect(text).not.toMatch(/freigabe_webhook_ack_seconds_count\{status="200"\} [^1]/);
  });
});
