/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { dashboardOptionsFromEnv, mountDashboard } from './web/app.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

const app: ApplicationFunction = (probot, options) => {
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false' })(probot);
  mountDashboard(probot, options?.addHandler, dashboardOptionsFromEnv(process.env));
};
export default app;
