/**
 * The dashboard in the app: GitHub sign-in through @octokit/oauth-app (the token exchange at
 * github.com/login/oauth mocked strictly: unmatched and unused mocks fail), the state check,
 * the sealed session cookie, access only for users who can read the estate repository, and
 * the data read with the installation's Octokit — every api.github.com request checked
 * against GitHub's REST description by the strict OpenAPI mock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import nock from 'nock';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { WorkloadStatusSource } from '../../src/kubernetes/workload-status.js';
import { dashboardHandler, type DashboardAppOptions } from '../../src/web/app.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { baseEstate, DIGEST_V2 } from '../github/estate-fixture.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { throwawayPrivateKey } from '../github/app-harness.js';
import { tarball } from '../github/tarball-builder.js';

const OWNER = 'itdz';
const REPO = 'estate';
const INSTALLATION = 4242;
const SHA = 'a'.repeat(40);
const CLIENT_ID = 'Iv1.throwawayclient01';
const CLIENT_SECRET = 'throwaway-client-secret-0123456789abcdef';
const PUBLIC = 'https://freigabe.example.org';
const INSTALLATION_TOKEN = 'ghs_throwawayInstallationToken0123456789';

const TestOctokit = ProbotOctokit.defaults(((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
})) as never);

const statusSource: WorkloadStatusSource = {
  statuses: () => [{ verfahren: 'wohngeld', stage: 'produktion', agent: 'argocd', phase: 'synced', revision: 'f'.repeat(40), health: 'Healthy', sync: 'Synced', message: null, observedAt: '2026-11-30T08:00:00Z' }],
};

let key: string | undefined;
let mock: GitHubMock;
let server: Server;
let base: string;
let logs: string[];
let oauthScopes: nock.Scope[];

async function start(options: Partial<DashboardAppOptions> = {}): Promise<void> {
  key ??= throwawayPrivateKey();
  logs = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }));
  const probot = new Probot({ appId: 123, privateKey: key, log, Octokit: TestOctokit });
  const handler = dashboardHandler(probot, {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    repository: `${OWNER}/${REPO}`,
    publicUrl: PUBLIC,
    statusSource,
    now: () => new Date('2026-11-30T08:00:00Z'),
    ...options,
  });
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('next handler');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => {
  mock = new GitHubMock();
  nock.enableNetConnect('127.0.0.1');
  oauthScopes = [];
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  const unused = oauthScopes.flatMap((s) => s.pendingMocks());
  mock.verify();
  nock.disableNetConnect();
  expect(unused, 'OAuth token exchanges registered but not made').toEqual([]);
  const text = logs.join('\n');
  expect(text).not.toContain('ghu_');
  expect(text).not.toContain(CLIENT_SECRET);
});

function get(path: string, cookies: string[] = []): Promise<Response> {
  return fetch(`${base}${path}`, { redirect: 'manual', headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
}

/** name=value of each Set-Cookie header, and the full headers. */
function setCookies(res: Response): { pairs: string[]; raw: string[] } {
  const raw = res.headers.getSetCookie();
  return { pairs: raw.map((c) => c.split(';')[0]), raw };
}

/**
 * GitHub's token exchange (not in the REST description): exactly this body, or the test fails.
 * The answer is what GitHub sends for a GitHub App with expiring user tokens.
 */
function expectTokenExchange(code: string, token: string): void {
  const scope = nock('https://github.com')
    .post('/login/oauth/access_token', (body: Record<string, unknown>) => {
      expect(body).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: `${PUBLIC}/freigabe/auth/callback` });
      return true;
    })
    .reply(200, { access_token: token, expires_in: 28800, refresh_token: 'ghr_throwawayRefresh', refresh_token_expires_in: 15811200, scope: '', token_type: 'bearer' }, { date: 'Mon, 30 Nov 2026 08:00:00 GMT' });
  oauthScopes.push(scope);
}

/** The whole web flow for one user; returns the session cookie (name=value). */
async function signIn(login: string, code: string): Promise<string> {
  const start = await get('/freigabe/auth/login');
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  const stateCookie = setCookies(start).pairs[0];
  expectTokenExchange(code, `ghu_${login.replace(/-/g, '')}Token0123456789`);
  mock.on('GET', '/user', { body: { login, id: 1, type: 'User' } });
  const back = await get(`/freigabe/auth/callback?code=${code}&state=${authorize.searchParams.get('state')}`, [stateCookie]);
  expect(back.status).toBe(302);
  expect(back.headers.get('location')).toBe('/freigabe/');
  const session = setCookies(back).pairs.find((p) => p.startsWith(`${SESSION_COOKIE}=`))!;
  expect(session).toBeDefined();
  return session;
}

/** The installation's reads of one dashboard refresh. */
async function expectEstateReads(): Promise<void> {
  mock.on('GET', `/repos/${OWNER}/${REPO}/installation`, { body: { id: INSTALLATION } });
  mock.on('POST', `/app/installations/${INSTALLATION}/access_tokens`, { status: 201, body: { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z' } });
  mock.on('GET', `/repos/${OWNER}/${REPO}`, { body: { default_branch: 'main', full_name: `${OWNER}/${REPO}` } });
  mock.on('GET', `/repos/${OWNER}/${REPO}/branches/main`, { body: { name: 'main', commit: { sha: SHA } } });
  const files = baseEstate(1, ['wohngeld']);
  mock.tarball(OWNER, REPO, SHA, await tarball(`${OWNER}-${REPO}-${SHA.slice(0, 7)}`, files));
  mock.on('GET', `/repos/${OWNER}/${REPO}/pulls?state=open&per_page=100`, {
    body: [
      { number: 12, html_url: `https://github.com/${OWNER}/${REPO}/pull/12`, title: 'freigabe: wohngeld → Abnahme', created_at: '2026-11-29T09:00:00Z', user: { login: 'freigabe[bot]' }, head: { ref: 'freigabe/promote/wohngeld/abnahme', repo: { full_name: `${OWNER}/${REPO}` } }, requested_reviewers: [{ login: 'm-schulz' }] },
      { number: 13, html_url: `https://github.com/${OWNER}/${REPO}/pull/13`, title: 'a fork claims the branch name', created_at: '2026-11-29T09:00:00Z', user: { login: 'mallory' }, head: { ref: 'freigabe/promote/wohngeld/produktion', repo: { full_name: 'mallory/estate' } }, requested_reviewers: [] },
      { number: 14, html_url: `https://github.com/${OWNER}/${REPO}/pull/14`, title: 'ordinary change', created_at: '2026-11-29T09:00:00Z', user: { login: 'dev-anna' }, head: { ref: 'feature/x', repo: { full_name: `${OWNER}/${REPO}` } }, requested_reviewers: [] },
    ],
  });
  const message = 'freigabe: Produktion aus 0123456789ab gerendert (#11)\n\nFachverfahren: wohngeld\n\nFreigabe-Source: 0123456789abcdef0123456789abcdef01234567\nFreigabe-Pull-Request: itdz/estate#11\nFreigabe-Approved-By: m-schulz 2026-11-28T10:00:00Z 89abcdef0123456789abcdef0123456789abcdef\nFreigabe-Stage: produktion\n';
  mock.on('GET', `/repos/${OWNER}/${REPO}/commits?sha=rendered%2Fvorpruefung&per_page=30`, { status: 404, body: { message: 'Not Found' } });
  mock.on('GET', `/repos/${OWNER}/${REPO}/commits?sha=rendered%2Fabnahme&per_page=30`, { body: [] });
  mock.on('GET', `/repos/${OWNER}/${REPO}/commits?sha=rendered%2Fproduktion&per_page=30`, {
    body: [{ sha: 'c'.repeat(40), commit: { message, committer: { date: '2026-11-28T10:05:00Z' }, author: { date: '2026-11-28T10:05:00Z' } } }],
  });
}

describe('the dashboard in the app', () => {
  test('without a session: the page sends to sign-in, the API answers 401, and nothing is read from GitHub', async () => {
    await start();
    const page = await get('/freigabe/');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/freigabe/auth/login');
    const api = await get('/freigabe/api/dashboard');
    expect(api.status).toBe(401);
    expect((await get('/other')).status).toBe(404);
  });

  test('sign-in: GitHub web flow with a random state bound to the browser by a sealed, HttpOnly, Secure, SameSite=Lax cookie', async () => {
    await start();
    const res = await get('/freigabe/auth/login');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/freigabe/auth/callback`);
    const state = url.searchParams.get('state')!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [raw] = setCookies(res).raw;
    expect(raw).toMatch(/^freigabe_oauth_state=[^;]+; Path=\/freigabe\/auth; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    expect(raw).not.toContain(state);
    // A second sign-in gets another state.
    const again = new URL((await get('/freigabe/auth/login')).headers.get('location')!);
    expect(again.searchParams.get('state')).not.toBe(state);
  });

  test('a callback whose state does not match the browser\'s cookie is refused before any token exchange', async () => {
    await start();
    const res = await get('/freigabe/auth/login');
    const cookie = setCookies(res).pairs[0];
    const state = new URL(res.headers.get('location')!).searchParams.get('state')!;
    expect((await get(`/freigabe/auth/callback?code=abc&state=${state.slice(1)}x`, [cookie])).status).toBe(400);
    expect((await get(`/freigabe/auth/callback?code=abc&state=${state}`)).status).toBe(400);
    // Another browser's cookie for the right state string: still refused (the state must be this browser's).
    const other = setCookies(await get('/freigabe/auth/login')).pairs[0];
    expect((await get(`/freigabe/auth/callback?code=abc&state=${state}`, [other])).status).toBe(400);
    expect(mock.requests).toHaveLength(0);
  });

  test('a user who can read the estate sees the dashboard, read with the installation: promotion pull requests, audit, cluster state', async () => {
    await start();
    const session = await signIn('m-schulz', 'code-m-schulz');
    const raw = session.slice(`${SESSION_COOKIE}=`.length);
    expect(raw).not.toContain('ghu_');
    expect(Buffer.from(raw, 'base64url').toString('latin1')).not.toContain('m-schulz');

    // The user's own token asks whether they can read the repository; then the installation reads.
    mock.on('GET', `/repos/${OWNER}/${REPO}`, { body: { default_branch: 'main', full_name: `${OWNER}/${REPO}` } });
    await expectEstateReads();
    const res = await get('/freigabe/api/dashboard', [session]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const d = await res.json();
    expect(d).toMatchObject({ apiVersion: 1, repository: 'itdz/estate', today: '2026-11-30', sources: { clusters: true, pullRequests: true, audit: true } });
    const wohngeld = d.verfahren.find((v: { name: string }) => v.name === 'wohngeld');
    expect(wohngeld.cells.map((c: { stage: string }) => c.stage)).toEqual(['vorpruefung', 'abnahme', 'produktion']);
    expect(wohngeld.cells[0].components[0].digest).toBe(DIGEST_V2);
    expect(wohngeld.cells[1].pullRequest).toMatchObject({ number: 12 });
    // The fork's pull request on a look-alike branch is not freigabe's promotion.
    expect(wohngeld.cells[2].pullRequest).toBeNull();
    expect(wohngeld.cells[2].workload.phase).toBe('synced');
    expect(d.freigaben).toEqual([expect.objectContaining({ verfahren: 'wohngeld', stage: 'abnahme', kind: 'pull-request' })]);
    expect(d.audit).toEqual([expect.objectContaining({ stage: 'produktion', pullRequest: 'itdz/estate#11', verfahren: ['wohngeld'], date: '2026-11-28T10:05:00Z' })]);

    // The page itself, with the signed-in login and a sign-out form; the data is reused (no new reads).
    const page = await get('/freigabe/', [session]);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Angemeldet als m-schulz');
    expect(html).toContain('<body data-login="m-schulz">');
    expect(html).toContain('action="auth/logout"');
    const mine = await get('/freigabe/api/freigaben?login=m-schulz', [session]);
    expect((await mine.json()).freigaben).toHaveLength(1);
  });

  test('a user who cannot read the estate repository gets 403 and no data is read', async () => {
    await start();
    const session = await signIn('outsider', 'code-outsider');
    mock.on('GET', `/repos/${OWNER}/${REPO}`, { status: 404, body: { message: 'Not Found' } });
    const api = await get('/freigabe/api/dashboard', [session]);
    expect(api.status).toBe(403);
    expect((await api.json()).error).toContain('outsider cannot read itdz/estate');
    // The answer is remembered for a while: the page is refused without asking GitHub again.
    expect((await get('/freigabe/', [session])).status).toBe(403);
  });

  test('a changed or foreign session cookie counts as no session', async () => {
    await start();
    const session = await signIn('m-schulz', 'code-m-schulz');
    const value = session.slice(`${SESSION_COOKIE}=`.length);
    const flipped = `${SESSION_COOKIE}=${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
    expect((await get('/freigabe/api/dashboard', [flipped])).status).toBe(401);
    // A cookie sealed by an app with another secret.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await start({ sessionSecret: 'another-deployment-secret' });
    expect((await get('/freigabe/api/dashboard', [session])).status).toBe(401);
  });

  test('an expired user token ends the session: back to sign-in', async () => {
    await start();
    const session = await signIn('m-schulz', 'code-m-schulz');
    mock.on('GET', `/repos/${OWNER}/${REPO}`, { status: 401, body: { message: 'Bad credentials' } });
    const page = await get('/freigabe/', [session]);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/freigabe/auth/login');
    expect(setCookies(page).raw[0]).toMatch(/^freigabe_session=; Path=\/freigabe; Max-Age=0/);
  });

  test('sign-out clears the session cookie', async () => {
    await start();
    const res = await fetch(`${base}/freigabe/auth/logout`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(setCookies(res).raw[0]).toMatch(/^freigabe_session=; Path=\/freigabe; Max-Age=0; HttpOnly; Secure; SameSite=Lax$/);
  });

  test('without OAuth credentials the dashboard says which variables to set and serves nothing else', async () => {
    await start({ clientId: undefined, clientSecret: undefined });
    const res = await get('/freigabe/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET');
    expect((await get('/elsewhere')).status).toBe(404);
  });
});
