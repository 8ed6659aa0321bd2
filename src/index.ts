/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { startClusterStatus } from './github/publication/deployment-status-app.js';
import { createOperations, operationsApp } from './ops/operations.js';
import { createQueue, queueOptionsFromEnv, roleFromEnv, type DomainQueue } from './github/queue/index.js';
import { dashboardOptionsFromEnv, mountDashboard } from './web/app.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

/** The process's metrics, readiness probes and shutdown hooks (src/ops); src/start.ts runs the shutdown. */
export const operations = createOperations();

let queue: DomainQueue | undefined;

/** The running app's job queue (in-process, or BullMQ with REDIS_URL): stats, close, ping. */
export function appQueue(): DomainQueue | undefined {
  return queue;
}

const app: ApplicationFunction = (probot, options) => {
  const role = roleFromEnv(process.env); // before anything starts: a wrong setting stops the start
  // Only with FREIGABE_CLUSTERS: Argo CD/Flux status → GitHub deployment statuses (src/kubernetes);
  // first, so a broken cluster file stops the start before anything else runs.
  const clusters = startClusterStatus(probot, process.env);
  if (clusters) operations.shutdown.onClose('cluster status', () => clusters.stop());
  operationsApp({ operations, env: process.env })(probot, options); // /healthz /readyz /metrics
  if (!queue) {
    const q = createQueue({ ...queueOptionsFromEnv(process.env), log: probot.log, observer: operations.metrics });
    operations.metrics.setQueueStats(() => q.stats());
    operations.shutdown.onClose('queue', () => q.close());
    queue = q;
  }
  if (role === 'webhooks') probot.log.info('freigabe answers webhooks only (FREIGABE_ROLE=webhooks): replicas with FREIGABE_ROLE=all run the jobs');
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false', queue, workers: role === 'all' })(probot);
  const dashboard = dashboardOptionsFromEnv(process.env);
  mountDashboard(probot, options?.addHandler, clusters ? { ...dashboard, statusSource: clusters.source } : dashboard); // /freigabe/
};
export default app;
