/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { createOperations, operationsApp } from './ops/operations.js';
import { dashboardOptionsFromEnv, mountDashboard } from './web/app.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

/** The process's metrics, readiness probes and shutdown hooks (src/ops); src/start.ts runs the shutdown. */
export const operations = createOperations();

const app: ApplicationFunction = (probot, options) => {
  operationsApp({ operations, env: process.env })(probot, options); // /healthz /readyz /metrics
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false' })(probot);
  mountDashboard(probot, options?.addHandler, dashboardOptionsFromEnv(process.env)); // /freigabe/
};
export default app;
