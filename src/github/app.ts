/**
 * The app: intake (src/github/intake/intake.ts) turns webhooks into queued jobs and answers at once;
 * workers (src/github/workers.ts) run them from the queue (src/github/queue/) — in this
 * process, or in any replica when REDIS_URL is set. The evaluation's error handling lives in
 * the worker: an internal error is logged and both checks are marked failed with a neutral
 * text, so branch protection holds and nobody reads a stack trace in a pull request; a
 * transient GitHub failure is retried instead.
 */
import type { Probot } from 'probot';
import { afterMergeApp } from './after-merge.js';
import type { EvaluationDeps } from './pull-request/evaluate.js';
import { pullRequestIntake } from './intake/intake.js';
import { createQueue, type DomainQueue } from './queue/index.js';
import type { QueueObserver } from './queue/types.js';
import { registerEvaluationWorkers } from './workers.js';
import { identityResolver, type AppIdentity } from './platform/app-identity.js';
import { LruSnapshotCache } from './platform/snapshot-cache.js';
import { ParseCaches } from './platform/parse-caches.js';
import { DEFAULT_ARCHIVE_LIMITS } from './platform/tarball.js';
import { countEvaluation } from '../ops/metrics.js';
import { withEventLog } from '../ops/event-log.js';

/** Webhook events freigabe subscribes to; app.yml's default_events must list exactly these. */
export const EVENTS = ['pull_request', 'pull_request_review', 'check_suite', 'check_run', 'issue_comment', 'push'] as const;

/** Repository permissions freigabe uses; app.yml's default_permissions must list exactly these. */
export const PERMISSIONS = {
  checks: 'write',
  contents: 'write',
  deployments: 'write',
  issues: 'write',
  members: 'read',
  metadata: 'read',
  pull_requests: 'write',
} as const;

export interface FreigabeAppOptions extends Partial<Omit<EvaluationDeps, 'identity'>> {
  /** The app's id and slug; read with GET /app on first use when not given. */
  readonly identity?: AppIdentity;
  /** Start the reconciliation scheduler (src/github/reconciliation/reconcile.ts); src/index.ts switches it on. */
  readonly reconcile?: boolean;
  /** The job queue; without it, an in-process queue (src/github/queue/index.ts createQueue). */
  readonly queue?: DomainQueue;
  /** Told about every job's outcome (metrics); only used when the app creates its queue. */
  readonly observer?: QueueObserver;
  /**
   * Run the queue's jobs (and the reconciliation) in this process (default). false: intake only —
   * the process answers webhooks and queues their jobs, other replicas on the same Redis run them
   * (FREIGABE_ROLE=webhooks, README "Several replicas").
   */
  readonly workers?: boolean;
}

export function freigabeApp(options: FreigabeAppOptions = {}) {
  const shared = {
    cache: options.cache ?? new LruSnapshotCache(),
    limits: options.limits ?? DEFAULT_ARCHIVE_LIMITS,
    now: options.now ?? (() => new Date()),
    parseCaches: options.parseCaches ?? new ParseCaches(),
  };

  return (app: Probot): void => {
    const deps: EvaluationDeps = { ...shared, identity: identityResolver(app, options.identity) };
    const queue = options.queue ?? createQueue({ log: app.log, ...(options.observer ? { observer: options.observer } : {}) });
    pullRequestIntake(withEventLog(app), queue); // handler logs name delivery, event and repository
    registerEvaluationWorkers({ app, queue, deps });
    // After the merge: publication on push, /freigabe promote, reconciliation (src/github/after-merge.ts).
    const workers = options.workers ?? true;
    afterMergeApp({ cache: deps.cache, limits: deps.limits, identity: deps.identity, reconcile: options.reconcile ?? false, queue, workers })(app);
    if (workers) queue.start();
  };
}
