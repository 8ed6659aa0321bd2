/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { startClusterStatus } from './github/deployment-status-app.js';
import { createOperations, operationsApp } from './ops/operations.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

/** The process's metrics, readiness probes and shutdown hooks (src/ops); src/start.ts runs the shutdown. */
export const operations = createOperations();

const app: ApplicationFunction = (probot, options) => {
  // Only with FREIGABE_CLUSTERS: Argo CD/Flux status → GitHub deployment statuses (src/kubernetes);
  // first, so a broken cluster file stops the start before anything else runs.
  const clusters = startClusterStatus(probot, process.env);
  if (clusters) operations.shutdown.onClose('cluster status', () => clusters.stop());
  operationsApp({ operations, env: process.env })(probot, options); // /healthz /readyz /metrics
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false' })(probot);
};
export default app;
