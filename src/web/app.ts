/**
 * The dashboard inside the GitHub App, under /freigabe/ through Probot's `addHandler`.
 *
 * Sign-in is GitHub's web flow with the app's own OAuth credentials (`GITHUB_CLIENT_ID`,
 * `GITHUB_CLIENT_SECRET`), done by @octokit/oauth-app; the `state` parameter is bound to the
 * browser by a sealed short-lived cookie. Only users whose own token can read the estate
 * repository (`GET /repos/{owner}/{repo}`) see anything; the data itself is read with the
 * installation's Octokit, so the user's token needs no scope.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OAuthApp } from '@octokit/oauth-app';
import { Octokit } from '@octokit/rest';
import type { Probot } from 'probot';
import type { ParseCache } from '../core/load.js';
import type { GitHubClient } from '../github/platform/github-client.js';
import { LruSnapshotCache, type SnapshotCache } from '../github/platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../github/platform/tarball.js';
import { loggable } from '../github/platform/loggable.js';
import type { WorkloadStatusSource } from '../kubernetes/workload-status.js';
import { readGitHubDashboard } from './github-data.js';
import { dashboardRoutes, send, sendJson, type Handler } from './http.js';
import { cookie, isSession, randomState, readCookie, sameSecret, seal, sessionKey, SESSION_COOKIE, STATE_COOKIE, unseal, type Session } from './session.js';
import type { Dashboard } from './view-model.js';

export const DASHBOARD_PATH = '/freigabe';
const SESSION_SECONDS = 8 * 60 * 60;
const STATE_SECONDS = 10 * 60;
/** How long a user's read access to the estate is trusted before it is asked again. */
const ACCESS_TTL_MS = 5 * 60 * 1000;

export interface DashboardAppOptions {
  /** The GitHub App's OAuth client ID and secret (Probot's env names GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** The estate repository, 'owner/name' (FREIGABE_DASHBOARD_REPOSITORY). */
  readonly repository?: string;
  /** Key material of the session cookie (FREIGABE_SESSION_SECRET; default: derived from the client secret). */
  readonly sessionSecret?: string;
  /** The app's public origin, e.g. https://freigabe.example.org (FREIGABE_PUBLIC_URL), for the OAuth redirect URL. */
  readonly publicUrl?: string;
  /** Seconds the estate data is reused between page loads (FREIGABE_DASHBOARD_REFRESH_SECONDS, default 60). */
  readonly refreshSeconds?: number;
  readonly statusSource?: WorkloadStatusSource;
  readonly cache?: SnapshotCache;
  readonly limits?: ArchiveLimits;
  readonly now?: () => Date;
  /** GitHub's API and web origins (GitHub Enterprise: GHE_HOST). */
  readonly apiBaseUrl?: string;
  readonly webBaseUrl?: string;
}

export function dashboardOptionsFromEnv(env: NodeJS.ProcessEnv): DashboardAppOptions {
  const refresh = env.FREIGABE_DASHBOARD_REFRESH_SECONDS;
  const ghe = env.GHE_HOST;
  return {
    ...(env.GITHUB_CLIENT_ID ? { clientId: env.GITHUB_CLIENT_ID } : {}),
    ...(env.GITHUB_CLIENT_SECRET ? { clientSecret: env.GITHUB_CLIENT_SECRET } : {}),
    ...(env.FREIGABE_DASHBOARD_REPOSITORY ? { repository: env.FREIGABE_DASHBOARD_REPOSITORY } : {}),
    ...(env.FREIGABE_SESSION_SECRET ? { sessionSecret: env.FREIGABE_SESSION_SECRET } : {}),
    ...(env.FREIGABE_PUBLIC_URL ? { publicUrl: env.FREIGABE_PUBLIC_URL.replace(/\/+$/, '') } : {}),
    ...(refresh && Number(refresh) >= 0 ? { refreshSeconds: Number(refresh) } : {}),
    ...(ghe ? { apiBaseUrl: `${env.GHE_PROTOCOL ?? 'https'}://${ghe}/api/v3`, webBaseUrl: `${env.GHE_PROTOCOL ?? 'https'}://${ghe}` } : {}),
  };
}

/** What is missing for the dashboard to run, by environment variable name. */
export function missingDashboardSettings(options: DashboardAppOptions): string[] {
  const missing: string[] = [];
  if (!options.clientId) missing.push('GITHUB_CLIENT_ID');
  if (!options.clientSecret) missing.push('GITHUB_CLIENT_SECRET');
  if (!options.repository || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository)) missing.push('FREIGABE_DASHBOARD_REPOSITORY');
  return missing;
}

const tokenKey = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The handler for everything under /freigabe/ (other paths pass to the next handler). */
export function dashboardHandler(probot: Probot, options: DashboardAppOptions): Handler {
  const missing = missingDashboardSettings(options);
  if (missing.length > 0) {
    return async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
      send(res, 503, `The freigabe dashboard is not configured. Set ${missing.join(', ')} (README "Dashboard").\n`, 'text/plain; charset=utf-8');
      return true;
    };
  }
  const [owner, repo] = options.repository!.split('/');
  const now = options.now ?? (() => new Date());
  const sessionKeyBytes = sessionKey(options.sessionSecret ?? options.clientSecret!, 'session');
  const stateKeyBytes = sessionKey(options.sessionSecret ?? options.clientSecret!, 'state');
  const redirectUrl = options.publicUrl ? `${options.publicUrl}${DASHBOARD_PATH}/auth/callback` : undefined;
  const oauth = new OAuthApp({
    clientType: 'github-app',
    clientId: options.clientId!,
    clientSecret: options.clientSecret!,
    ...(options.webBaseUrl ? { baseUrl: options.webBaseUrl } : {}),
  });
  // A 404 for someone without access is an answer, not an error worth a log line per request.
  const quiet = { debug: () => {}, info: () => {}, warn: (message: string) => probot.log.warn(message), error: () => {} };
  const userOctokit = (token: string) => new Octokit({ auth: token, log: quiet, ...(options.apiBaseUrl ? { baseUrl: options.apiBaseUrl } : {}) });

  const access = new Map<string, { allowed: boolean; until: number }>();
  let installationId: number | undefined;
  let data: { promise: Promise<Dashboard>; until: number } | undefined;
  const snapshotCache = options.cache ?? new LruSnapshotCache({ maxEntries: 4, maxBytes: 256 * 1024 * 1024 });
  const refreshMs = (options.refreshSeconds ?? 60) * 1000;
  const parseCache: ParseCache = new Map();

  const installationOctokit = async (): Promise<GitHubClient> => {
    if (installationId === undefined) {
      const app = await probot.auth();
      installationId = (await app.rest.apps.getRepoInstallation({ owner, repo })).data.id;
    }
    return (await probot.auth(installationId)) as unknown as GitHubClient;
  };

  const load = (): Promise<Dashboard> => {
    const t = now().getTime();
    if (!data || data.until <= t) {
      const promise = installationOctokit().then((octokit) =>
        readGitHubDashboard({ octokit, owner, repo, cache: snapshotCache, parseCache, limits: options.limits ?? DEFAULT_ARCHIVE_LIMITS, now: now(), ...(options.statusSource ? { statusSource: options.statusSource } : {}) }),
      );
      data = { promise, until: t + refreshMs };
      // A failed read is not kept: the next request tries again.
      promise.catch(() => {
        if (data?.promise === promise) data = undefined;
      });
    }
    return data.promise;
  };

  /** 'allowed', 'denied' (no read access), or 'expired' (the token no longer works). */
  const canRead = async (session: Session): Promise<'allowed' | 'denied' | 'expired'> => {
    const key = tokenKey(session.token);
    const known = access.get(key);
    const t = now().getTime();
    if (known && known.until > t) return known.allowed ? 'allowed' : 'denied';
    try {
      await userOctokit(session.token).rest.repos.get({ owner, repo });
      access.set(key, { allowed: true, until: t + ACCESS_TTL_MS });
      return 'allowed';
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) return 'expired';
      if (status === 404 || status === 403) {
        access.set(key, { allowed: false, until: t + ACCESS_TTL_MS });
        return 'denied';
      }
      throw error;
    }
  };

  const sessionOf = (req: IncomingMessage): Session | undefined => {
    const raw = readCookie(req, SESSION_COOKIE);
    const value = raw ? unseal(sessionKeyBytes, raw) : undefined;
    return isSession(value) && value.expires > now().getTime() ? value : undefined;
  };

  const clearSession = cookie(SESSION_COOKIE, '', { path: DASHBOARD_PATH, maxAgeSeconds: 0 });

  const routes = (session: Session) =>
    dashboardRoutes({
      basePath: DASHBOARD_PATH,
      load,
      login: () => session.login,
      signOutPath: 'auth/logout',
      onError: (error) => probot.log.error({ err: loggable(error) }, 'freigabe dashboard could not read the estate'),
    });

  const signIn = (res: ServerResponse): void => {
    const state = randomState();
    const { url } = oauth.getWebFlowAuthorizationUrl({ state, ...(redirectUrl ? { redirectUrl } : {}) });
    send(res, 302, '', 'text/plain; charset=utf-8', {
      location: url,
      'set-cookie': cookie(STATE_COOKIE, seal(stateKeyBytes, { state, expires: now().getTime() + STATE_SECONDS * 1000 }), { path: `${DASHBOARD_PATH}/auth`, maxAgeSeconds: STATE_SECONDS }),
    });
  };

  const callback = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const clearState = cookie(STATE_COOKIE, '', { path: `${DASHBOARD_PATH}/auth`, maxAgeSeconds: 0 });
    const sealed = readCookie(req, STATE_COOKIE);
    const expected = sealed ? (unseal(stateKeyBytes, sealed) as { state?: string; expires?: number } | undefined) : undefined;
    const state = url.searchParams.get('state') ?? '';
    const code = url.searchParams.get('code') ?? '';
    if (!expected?.state || (expected.expires ?? 0) < now().getTime() || !sameSecret(expected.state, state) || code === '') {
      send(res, 400, 'Sign-in failed: the state parameter does not match this browser\'s sign-in. Start again at /freigabe/.\n', 'text/plain; charset=utf-8', { 'set-cookie': clearState });
      return;
    }
    const { authentication } = await oauth.createToken({ code, state, ...(redirectUrl ? { redirectUrl } : {}) });
    const { data: user } = await userOctokit(authentication.token).rest.users.getAuthenticated();
    const expiresAt = 'expiresAt' in authentication && authentication.expiresAt ? Date.parse(authentication.expiresAt) : Infinity;
    const session: Session = { login: user.login, token: authentication.token, expires: Math.min(now().getTime() + SESSION_SECONDS * 1000, expiresAt) };
    res.setHeader('set-cookie', [clearState, cookie(SESSION_COOKIE, seal(sessionKeyBytes, session), { path: DASHBOARD_PATH, maxAgeSeconds: SESSION_SECONDS })]);
    send(res, 302, '', 'text/plain; charset=utf-8', { location: `${DASHBOARD_PATH}/` });
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return false;
    const rel = path.slice(DASHBOARD_PATH.length);
    try {
      if (rel === '/auth/login' && req.method === 'GET') return signIn(res), true;
      if (rel === '/auth/callback' && req.method === 'GET') return await callback(req, res, url), true;
      if (rel === '/auth/logout' && req.method === 'POST') {
        send(res, 303, '', 'text/plain; charset=utf-8', { location: `${DASHBOARD_PATH}/`, 'set-cookie': clearSession });
        return true;
      }
      const api = rel.startsWith('/api/');
      const session = sessionOf(req);
      const verdict = session ? await canRead(session) : 'expired';
      if (!session || verdict === 'expired') {
        if (api) sendJson(res, 401, { error: 'sign in at /freigabe/auth/login' });
        else send(res, 302, '', 'text/plain; charset=utf-8', { location: `${DASHBOARD_PATH}/auth/login`, ...(session ? { 'set-cookie': clearSession } : {}) });
        return true;
      }
      if (verdict === 'denied') {
        const message = `${session.login} cannot read ${owner}/${repo}; the dashboard shows the estate only to those who can.`;
        if (api) sendJson(res, 403, { error: message });
        else send(res, 403, `${message}\n`, 'text/plain; charset=utf-8');
        return true;
      }
      return await routes(session)(req, res);
    } catch (error) {
      probot.log.error({ err: loggable(error) }, 'freigabe dashboard request failed');
      if (!res.headersSent) send(res, 502, 'The dashboard could not complete the request with GitHub; please try again.\n', 'text/plain; charset=utf-8');
      else res.end();
      return true;
    }
  };
}

/**
 * Mounts the dashboard on Probot's server (src/index.ts calls this once). Without a server
 * (Probot loaded in a test or by a serverless adapter) there is nothing to mount on.
 */
export function mountDashboard(probot: Probot, addHandler: ((handler: Handler) => void) | undefined, options: DashboardAppOptions): void {
  const missing = missingDashboardSettings(options);
  if (missing.length > 0) probot.log.info(`freigabe dashboard at ${DASHBOARD_PATH}/ is off until ${missing.join(', ')} are set`);
  try {
    addHandler?.(dashboardHandler(probot, options));
  } catch (error) {
    probot.log.debug({ err: loggable(error) }, 'freigabe dashboard not mounted (no HTTP server)');
  }
}
