/**
 * `freigabe serve`: the dashboard of a local checkout on 127.0.0.1 only. Every API request
 * reads the working tree again (an edited booking shows on reload); the audit trail comes
 * from the local rendered branches when there are any. Offline there are no open pull
 * requests, and cluster states only when a WorkloadStatusSource is given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEstate, type ParseCache } from '../core/load.js';
import { AuditUsageError, readAudit } from '../cli/audit.js';
import { berlinToday } from '../cli/options.js';
import { readDirectorySnapshot } from '../cli/read-dir.js';
import type { Locale } from '../i18n/findings.js';
import type { WorkloadStatusSource } from '../kubernetes/workload-status.js';
import { dashboardRoutes, send } from './http.js';
import { buildDashboard, type AuditItem, type Dashboard } from './view-model.js';

export const LOOPBACK = '127.0.0.1';

export interface LocalDashboardParams {
  readonly repo: string;
  readonly locale: Locale;
  readonly statusSource?: WorkloadStatusSource;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date;
  /** Parsed documents kept between requests: a reload re-parses only the files that changed. */
  readonly parseCache?: ParseCache;
}

/** Reads the checkout and builds the dashboard (I/O, then the pure builder). */
export async function readLocalDashboard(params: LocalDashboardParams): Promise<Dashboard> {
  const now = (params.now ?? (() => new Date()))();
  const { snapshot } = readDirectorySnapshot(params.repo, params.locale);
  const estate = loadEstate({ snapshot, ...(params.parseCache ? { cache: params.parseCache } : {}) }).value;
  let audit: AuditItem[] = [];
  let hasAudit = true;
  try {
    audit = await readAudit({ repo: params.repo });
  } catch (error) {
    // Not a git repository (or git missing): the dashboard works without an audit trail.
    if (!(error instanceof AuditUsageError)) throw error;
    hasAudit = false;
  }
  return buildDashboard({
    estate,
    statuses: params.statusSource?.statuses() ?? [],
    pullRequests: [],
    audit,
    today: berlinToday(now),
    generatedAt: now.toISOString(),
    repository: null,
    sources: { clusters: params.statusSource !== undefined, pullRequests: false, audit: hasAudit },
  });
}

export interface ServeParams extends LocalDashboardParams {
  /** 0 picks a free port. */
  readonly port: number;
  readonly onError?: (error: unknown) => void;
}

export interface RunningDashboard {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (never another interface: the estate is not public). */
export async function serveLocalDashboard(params: ServeParams): Promise<RunningDashboard> {
  const parseCache: ParseCache = params.parseCache ?? new Map();
  const routes = dashboardRoutes({
    basePath: '',
    defaultLocale: params.locale,
    load: () => readLocalDashboard({ ...params, parseCache }),
    ...(params.onError ? { onError: params.onError } : {}),
  });
  const server = createServer((req, res) => {
    routes(req, res).then(
      (handled) => {
        if (!handled) send(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
      },
      (error: unknown) => {
        params.onError?.(error);
        if (!res.headersSent) send(res, 500, 'Internal Server Error\n', 'text/plain; charset=utf-8');
        else res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.port, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
