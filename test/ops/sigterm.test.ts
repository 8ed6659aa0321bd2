/**
 * The real thing: `node dist/src/start.js` (what `npm start` and the container run) as a
 * child process with a throwaway key, against a GitHub-shaped server on loopback that checks
 * every request against GitHub's REST description and the app's JWT against its key. Then
 * SIGTERM while a webhook is being handled: the delivery is finished and answered, no new
 * connection is taken, the process exits 0 — and nothing it logged carries a secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, createPublicKey, createVerify } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { commentEvent, INSTALLATION, NUMBER, OWNER, REPO, SECRET, throwawayPrivateKey } from '../github/app-harness.js';
import { openApiValidator } from '../github/openapi-mock.js';
import { freePort } from '../helpers/ports.js';

const root = join(import.meta.dirname, '..', '..');
const start = join(root, 'dist', 'src', 'start.js');
const TOKEN = 'ghs_sigtermTestInstallationToken0123456789';
const APP_ID = '123';


function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

/** RS256 JWT signed by the app's key with iss = APP_ID. */
function validAppJwt(authorization: string | undefined, publicKey: ReturnType<typeof createPublicKey>): boolean {
  const m = /^bearer (.+)\.(.+)\.(.+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const verify = createVerify('RSA-SHA256');
  verify.update(`${m[1]}.${m[2]}`);
  if (!verify.verify(publicKey, Buffer.from(m[3]!, 'base64url'))) return false;
  return String(JSON.parse(Buffer.from(m[2]!, 'base64url').toString()).iss) === APP_ID;
}

interface FakeGitHub {
  readonly server: HttpServer;
  readonly port: number;
  readonly problems: string[];
  readonly seen: string[];
  readonly jwts: string[];
  /** Resolves when the held request has arrived; `release()` lets it answer. */
  readonly held: Promise<void>;
  release(): void;
}

async function fakeGitHub(key: string): Promise<FakeGitHub> {
  const publicKey = createPublicKey(key);
  const validator = openApiValidator();
  const problems: string[] = [];
  const seen: string[] = [];
  const jwts: string[] = [];
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const repo = `/api/v3/repos/${OWNER}/${REPO}`;
  const server = createHttpServer(async (req, res) => {
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : undefined;
    const path = req.url ?? '';
    seen.push(`${req.method} ${path}`);
    problems.push(...validator.check({ method: req.method!, url: `https://api.github.com${path.replace(/^\/api\/v3/, '')}`, body }));
    const send = (status: number, json: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4321', 'x-ratelimit-resource': 'core' }).end(JSON.stringify(json));
    const auth = req.headers.authorization;
    if (auth?.toLowerCase().startsWith('bearer ')) jwts.push(auth.slice(7));
    if (req.method === 'GET' && path === '/api/v3/app') {
      return validAppJwt(auth, publicKey) ? send(200, { id: Number(APP_ID), slug: 'freigabe', name: 'freigabe' }) : send(401, { message: 'Bad credentials' });
    }
    if (req.method === 'POST' && path === `/api/v3/app/installations/${INSTALLATION}/access_tokens`) {
      if (!validAppJwt(auth, publicKey)) return send(401, { message: 'Bad credentials' });
      return send(201, { token: TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: { issues: 'write' }, repository_selection: 'all' });
    }
    if (auth !== `token ${TOKEN}`) return send(401, { message: 'Bad credentials' });
    if (req.method === 'GET' && path === `${repo}/collaborators/j-becker/permission`) {
      arrived();
      await released;
      return send(200, { permission: 'read', role_name: 'read', user: { login: 'j-becker', id: 5, type: 'User' } });
    }
    if (req.method === 'GET' && path.startsWith(`${repo}/contents/.github%2Ffreigabe.yml`)) return send(404, { message: 'Not Found' });
    if (req.method === 'POST' && path === `${repo}/issues/${NUMBER}/comments`) return send(201, { id: 1, body: body?.body });
    problems.push(`unexpected request ${req.method} ${path}`);
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, problems, seen, jwts, held, release };
}

const children: ChildProcess[] = [];
const servers: HttpServer[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function until(predicate: () => boolean, what: string, child: ChildProcess, out: () => string): Promise<void> {
  // Polls for an event of the child; the bound is only there so a broken build fails instead of hanging.
  for (let i = 0; i < 600 && !predicate(); i++) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}) before ${what}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!predicate()) throw new Error(`no ${what}:\n${out()}`);
}

describe('npm start with credentials', () => {
  test('serves /healthz /readyz /metrics; on SIGTERM it finishes the delivery in flight, takes no new connection and exits 0; no secret in its output', async () => {
    const key = throwawayPrivateKey();
    const github = await fakeGitHub(key);
    servers.push(github.server);
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_ID,
      PRIVATE_KEY: key,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: `127.0.0.1:${github.port}`,
      GHE_PROTOCOL: 'http',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
      FREIGABE_RECONCILE: 'false',
    };
    const child = spawn(process.execPath, [start], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const out = () => output;
    await until(() => /Listening on/.test(output), 'Listening on', child, out);
    const url = `http://127.0.0.1:${port}`;

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, checks: { github: 'ok' } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    // start.ts's Octokit plugin saw the answer to GET /app.
    expect(metrics).toMatch(/^freigabe_github_rate_limit_remaining\{resource="core",installation="app"\} 4321$/m);
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);

    // A delivery whose handling waits for GitHub.
    const payload = JSON.stringify(commentEvent('/freigabe recheck').payload);
    const delivery = fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'sigterm-delivery-1',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`,
      },
      body: payload,
    });
    await github.held;
    child.kill('SIGTERM');
    await until(() => /freigabe is shutting down/.test(output), 'shutdown log', child, out);
    // The listening socket is closed: a new connection is refused.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    github.release();
    const answer = await delivery;
    expect(answer.status).toBe(200);
    expect(await exited).toBe(0);
    expect(github.seen).toContain(`POST /api/v3/repos/${OWNER}/${REPO}/issues/${NUMBER}/comments`);
    expect(github.problems).toEqual([]);
    expect(output).toMatch(/freigabe stopped accepting webhooks/);
    expect(output).toMatch(/freigabe shut down/);

    // Logs carry the delivery id and the repository of the event they belong to.
    const eventLines = output.split('\n').filter((l) => l.includes('"id":"sigterm-delivery-1"'));
    expect(eventLines.length).toBeGreaterThan(0);
    expect(eventLines.some((l) => l.includes(`"repository":"${OWNER}/${REPO}"`) && l.includes('"event":"issue_comment.created"'))).toBe(true);

    // No secret in anything it printed, at log level trace.
    const keyBody = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(github.jwts.length).toBeGreaterThan(0);
    for (const secret of [SECRET, TOKEN, ...keyBody, ...github.jwts.map((j) => j.split('.')[2]!)]) {
      expect(output.includes(secret), `output contains a secret: ${secret.slice(0, 12)}…`).toBe(false);
    }
  }, 120_000);
});
