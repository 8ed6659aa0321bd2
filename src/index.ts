/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { startClusterStatus } from './github/deployment-status-app.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

const app: ApplicationFunction = (probot) => {
  // Only with FREIGABE_CLUSTERS: Argo CD/Flux status → GitHub deployment statuses (src/kubernetes);
  // first, so a broken cluster file stops the start before anything else runs.
  startClusterStatus(probot, process.env);
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false' })(probot);
};
export default app;
