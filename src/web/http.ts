/**
 * The dashboard's HTTP routes, shared by the app (under /freigabe/, behind sign-in) and
 * `freigabe serve` (at /): the page, its two static assets and the JSON API (README
 * "Dashboard"). Node's own http types only, so Probot's `addHandler` takes it as it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Locale } from '../i18n/findings.js';
import { dashboardPage } from './page.js';
import { freigabenFor, type Dashboard } from './view-model.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The page allows only its own script and style: no inline code, no third party, no framing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/**
 * src/web/assets, found from wherever this module runs: src/web (vitest), dist/src/web (tsc)
 * or dist/ (the bundled CLI). The assets are shipped as source files, not compiled.
 */
export function assetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, 'assets'), join(dir, 'src', 'web', 'assets')]) {
      if (existsSync(join(candidate, 'dashboard.js'))) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error('freigabe: the dashboard assets (src/web/assets) are missing from the installation');
}

export interface DashboardRoutesParams {
  /** '' (freigabe serve) or '/freigabe' (the app); no trailing slash. */
  readonly basePath: string;
  /** The data of this request (the app reads it for the signed-in user's estate). */
  readonly load: (req: IncomingMessage) => Promise<Dashboard>;
  /** The signed-in login, shown in the header. */
  readonly login?: (req: IncomingMessage) => string | undefined;
  /** Where the sign-out form posts (relative to the page). */
  readonly signOutPath?: string;
  /** The page's language until the user switches (`freigabe serve --locale en`); default German. */
  readonly defaultLocale?: Locale;
  /** Called with a failure to read the data; the response then says only that it failed. */
  readonly onError?: (error: unknown) => void;
}

export function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, req?: IncomingMessage): void {
  const body = `${JSON.stringify(value)}\n`;
  // 1,000 Fachverfahren are about 4.5 MiB of JSON and a tenth of that compressed.
  if (req && body.length > 16 * 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    send(res, status, gzipSync(body), 'application/json; charset=utf-8', { 'content-encoding': 'gzip', vary: 'accept-encoding' });
    return;
  }
  send(res, status, body, 'application/json; charset=utf-8');
}

/** As chosen by the page's switch (?lang=), else the default (German); the browser's language does not decide. */
function localeOf(url: URL, fallback: Locale): Locale {
  const lang = url.searchParams.get('lang');
  return lang === 'en' || lang === 'de' ? lang : fallback;
}

/** Routes under `basePath`; returns false for every other path, so the next handler runs. */
export function dashboardRoutes(params: DashboardRoutesParams): Handler {
  const base = params.basePath;
  let assets: Map<string, Buffer> | undefined;
  const asset = (name: string): Buffer => {
    assets ??= new Map(Object.keys(ASSETS).map((n) => [n, readFileSync(join(assetsDir(), n))]));
    return assets.get(name)!;
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (base !== '' && path !== base && !path.startsWith(`${base}/`)) return false;
    const rel = path.slice(base.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (rel.startsWith('/auth/')) return false;
      send(res, 405, 'Method Not Allowed\n', 'text/plain; charset=utf-8', { allow: 'GET, HEAD' });
      return true;
    }
    if (rel === '') {
      // Relative asset and API URLs need the trailing slash.
      send(res, 301, '', 'text/plain; charset=utf-8', { location: `${base}/${url.search}` });
      return true;
    }
    if (rel === '/') {
      const login = params.login?.(req);
      send(res, 200, dashboardPage({ locale: localeOf(url, params.defaultLocale ?? 'de'), ...(login ? { login } : {}), ...(params.signOutPath ? { signOutPath: params.signOutPath } : {}) }), 'text/html; charset=utf-8');
      return true;
    }
    const assetName = rel.startsWith('/assets/') ? rel.slice('/assets/'.length) : undefined;
    if (assetName !== undefined && Object.hasOwn(ASSETS, assetName)) {
      send(res, 200, asset(assetName), ASSETS[assetName], { 'cache-control': 'no-cache' });
      return true;
    }
    if (rel === '/api/dashboard' || rel === '/api/freigaben') {
      let dashboard: Dashboard;
      try {
        dashboard = await params.load(req);
      } catch (error) {
        params.onError?.(error);
        sendJson(res, 500, { error: 'the estate could not be read' });
        return true;
      }
      if (rel === '/api/dashboard') {
        sendJson(res, 200, dashboard, req);
        return true;
      }
      const login = url.searchParams.get('login') ?? '';
      if (!/^[A-Za-z0-9-]{1,39}$/.test(login)) {
        sendJson(res, 400, { error: 'login must be a GitHub login (?login=…)' });
        return true;
      }
      sendJson(res, 200, { apiVersion: dashboard.apiVersion, login, freigaben: freigabenFor(dashboard, login) }, req);
      return true;
    }
    if (rel.startsWith('/auth/')) return false;
    send(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
    return true;
  };
}
