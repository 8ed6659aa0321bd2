/**
 * The Probot app: `probot run ./dist/src/index.js`, or `npm start` (src/start.ts).
 * Everything it does is wired in src/github/app.ts; this file only binds the operator's
 * environment.
 */
import type { ApplicationFunction } from 'probot';
import { freigabeApp } from './github/app.js';
import { optionsFromEnv } from './github/options.js';
import { createQueue, queueOptionsFromEnv, type DomainQueue } from './github/queue/index.js';

export { freigabeApp, EVENTS, PERMISSIONS } from './github/app.js';
export type { FreigabeAppOptions } from './github/app.js';

let queue: DomainQueue | undefined;

/** The running app's job queue (in-process, or BullMQ with REDIS_URL): stats, close, ping. */
export function appQueue(): DomainQueue | undefined {
  return queue;
}

const app: ApplicationFunction = (probot) => {
  queue ??= createQueue({ ...queueOptionsFromEnv(process.env), log: probot.log });
  freigabeApp({ ...optionsFromEnv(process.env), reconcile: process.env.FREIGABE_RECONCILE !== 'false', queue })(probot);
};
export default app;
