/**
 * The operator's endpoints, served by the Probot server next to the webhook path (a Probot
 * handler: it answers its own paths and passes everything else on):
 *
 *   GET /healthz  200 while the process runs (liveness: restart only a hung process)
 *   GET /readyz   200 when every readiness probe passes, else 503 (and 503 from SIGTERM on)
 *   GET /metrics  Prometheus text format (src/ops/metrics.ts)
 *
 * The answers name the probes and whether they passed, never why they failed: these paths
 * share the port with the webhook, and the reason (a host name, a GitHub message) goes to
 * the log instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import type { ProbeResult, Readiness } from './readiness.js';

export interface EndpointsParams {
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  /** True once shutdown has begun. */
  readonly shuttingDown: () => boolean;
  /** Bound for each readiness probe. */
  readonly probeTimeoutMs: number;
  readonly log: { warn(obj: object, msg: string): void };
}

export function opsEndpoints(params: EndpointsParams): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  let failing = new Set<string>();
  const logChanges = (results: readonly ProbeResult[]): void => {
    // Once per probe and failure, not at every probe of the kubelet.
    const now = new Set(results.filter((r) => !r.ok).map((r) => r.name));
    for (const r of results) if (!r.ok && !failing.has(r.name)) params.log.warn({ probe: r.name, reason: r.error }, 'freigabe is not ready');
    failing = now;
  };

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return true;
    }
    if (path === '/readyz') {
      if (params.shuttingDown()) {
        send(res, 503, 'application/json', JSON.stringify({ ready: false, shuttingDown: true }) + '\n');
        return true;
      }
      const results = await params.readiness.check(params.probeTimeoutMs);
      logChanges(results);
      const ready = results.every((r) => r.ok);
      const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : 'failed']));
      send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, checks }) + '\n');
      return true;
    }
    if (path === '/metrics') {
      send(res, 200, params.metrics.registry.contentType, await params.metrics.scrape());
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
}
