/**
 * The queue of the app: in-process without REDIS_URL, BullMQ on Redis with it.
 */
import { DomainQueue } from './domain-queue.js';
import { MemoryState, MemoryTransport } from './memory.js';
import { BullTransport, RedisState } from './redis.js';
import type { RetryPolicy } from './transient.js';
import type { Clock, QueueLogger, QueueObserver } from './types.js';

export { DomainQueue, type FreigabeQueue } from './domain-queue.js';
export type { JobKind, JobOutcome, KindStats, QueueObserver } from './types.js';

export interface CreateQueueOptions {
  readonly redisUrl?: string;
  readonly log: QueueLogger;
  readonly observer?: QueueObserver;
  /** Jobs run at once in this process (default 4). */
  readonly concurrency?: number;
  /** Redis mode: seconds until a silent replica's jobs and locks pass to another (default 30). */
  readonly lockSeconds?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

/** REDIS_URL (Redis mode), FREIGABE_QUEUE_CONCURRENCY, FREIGABE_QUEUE_LOCK_SECONDS (README "Several replicas"). */
export function queueOptionsFromEnv(env: NodeJS.ProcessEnv): Omit<CreateQueueOptions, 'log'> {
  const concurrency = positiveInteger(env, 'FREIGABE_QUEUE_CONCURRENCY');
  const lockSeconds = positiveInteger(env, 'FREIGABE_QUEUE_LOCK_SECONDS');
  return { ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}), ...(concurrency ? { concurrency } : {}), ...(lockSeconds ? { lockSeconds } : {}) };
}

/** What a process does: `all` answers webhooks and runs jobs; `webhooks` only answers and queues. */
export type ProcessRole = 'all' | 'webhooks';

/**
 * FREIGABE_ROLE (README "Several replicas"): `webhooks` keeps a replica's event loop free for
 * answering GitHub — its acknowledgements do not wait behind an evaluation or a publication
 * — and needs REDIS_URL, since the jobs it queues run in other replicas.
 */
export function roleFromEnv(env: NodeJS.ProcessEnv): ProcessRole {
  const raw = env.FREIGABE_ROLE;
  if (raw === undefined || raw === '' || raw === 'all') return 'all';
  if (raw !== 'webhooks') throw new Error(`FREIGABE_ROLE must be "all" or "webhooks", got "${raw}"`);
  if (!env.REDIS_URL) throw new Error('FREIGABE_ROLE=webhooks needs REDIS_URL: the jobs this replica queues run in the replicas with FREIGABE_ROLE=all on the same Redis');
  return 'webhooks';
}

export function createQueue(options: CreateQueueOptions): DomainQueue {
  const shared = { log: options.log, ...(options.observer ? { observer: options.observer } : {}), ...(options.retry ? { retry: options.retry } : {}), ...(options.clock ? { clock: options.clock } : {}) };
  if (options.redisUrl) {
    const redis = { url: options.redisUrl, ...(options.lockSeconds ? { lockSeconds: options.lockSeconds } : {}), ...(options.concurrency ? { concurrency: options.concurrency } : {}) };
    return new DomainQueue({ mode: 'redis', transport: new BullTransport(redis), state: new RedisState(redis), ...shared });
  }
  const clock = options.clock ? { clock: options.clock } : {};
  return new DomainQueue({
    mode: 'in-process',
    transport: new MemoryTransport({ ...clock, ...(options.concurrency ? { concurrency: options.concurrency } : {}) }),
    state: new MemoryState(clock),
    ...shared,
  });
}
