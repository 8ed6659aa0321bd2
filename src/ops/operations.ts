/**
 * What makes freigabe operable, in one place: the process's metrics, its readiness probes and
 * its shutdown hooks, and the Probot app function that serves them (/healthz, /readyz,
 * /metrics) next to the webhook. The queue plugs in here:
 *
 *   operations.readiness.add({ name: 'queue', check: () => queue.ping() });
 *   operations.metrics.setQueueStats(() => queue.stats());
 *   operations.shutdown.onClose('queue', () => queue.close());
 *   // and calls operations.metrics.jobFinished(kind, outcome, seconds) per job
 */
import type { ApplicationFunction } from 'probot';
import { opsEndpoints } from './endpoints.js';
import { metrics as processMetrics, type Metrics } from './metrics.js';
import { cached, gitHubAppProbe, Readiness, redisProbe } from './readiness.js';
import { Shutdown, shutdownTimingFromEnv, type ShutdownLog } from './shutdown.js';
import { measureWebhookAcks } from './webhook-latency.js';

export interface Operations {
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly shutdown: Shutdown;
  /** Probot's logger once the app is loaded (before that, and in setup mode: the console). */
  log: ShutdownLog & { warn(obj: object, msg: string): void };
}

export function createOperations(metrics: Metrics = processMetrics): Operations {
  const console_ = {
    info: (obj: object, msg: string) => console.log(msg, JSON.stringify(obj)),
    warn: (obj: object, msg: string) => console.warn(msg, JSON.stringify(obj)),
    error: (obj: object, msg: string) => console.error(msg, JSON.stringify(obj)),
  };
  return { metrics, readiness: new Readiness(), shutdown: new Shutdown(), log: console_ };
}

/** GitHub's answer to `GET /app` is kept this long, so probes do not spend the rate limit. */
export const GITHUB_PROBE_OK_MS = 60_000;
export const GITHUB_PROBE_FAILED_MS = 10_000;
/** Bound for each readiness probe: below the probe timeout of deploy/base/freigabe.yaml. */
export const PROBE_TIMEOUT_MS = 3_000;

export interface OperationsAppParams {
  readonly operations: Operations;
  /** REDIS_URL (a Redis probe), WEBHOOK_PATH (whose acknowledgements are timed). */
  readonly env: NodeJS.ProcessEnv;
  readonly probeTimeoutMs?: number;
}

export function operationsApp(params: OperationsAppParams): ApplicationFunction {
  const { operations, env } = params;
  return (probot, options) => {
    const { metrics, readiness, shutdown } = operations;
    operations.log = probot.log;
    readiness.add(cached(gitHubAppProbe(() => probot.auth()), { okMs: GITHUB_PROBE_OK_MS, failedMs: GITHUB_PROBE_FAILED_MS }));
    if (env.REDIS_URL) {
      const redis = redisProbe(env.REDIS_URL);
      readiness.add(redis);
      shutdown.onClose('redis probe', () => redis.close());
    }
    shutdown.onClose('webhook latency', measureWebhookAcks({ webhookPath: env.WEBHOOK_PATH || '/api/github/webhooks', metrics }));
    options.addHandler(
      opsEndpoints({ metrics, readiness, shuttingDown: () => shutdown.started, probeTimeoutMs: params.probeTimeoutMs ?? PROBE_TIMEOUT_MS, log: probot.log }),
    );
  };
}

/** On SIGTERM: the shutdown of src/ops/shutdown.ts, then exit with its code. */
export function exitOnSigterm(params: { server: { stop(): Promise<void> }; operations: Operations; env: NodeJS.ProcessEnv }): void {
  const timing = shutdownTimingFromEnv(params.env);
  process.once('SIGTERM', () => {
    void params.operations.shutdown
      .run({ stopServer: () => params.server.stop(), ...timing, log: params.operations.log })
      .then((code) => process.exit(code));
  });
}
