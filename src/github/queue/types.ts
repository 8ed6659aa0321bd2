/**
 * The queue's contracts. One domain queue (domain-queue.ts) holds the rules — deliveries
 * deduplicated, work coalesced per pull request and per repository, one job per key at a
 * time, priorities, retries — and runs on two interchangeable parts:
 *
 *   - a Transport that stores and hands out jobs (memory.ts in-process, redis.ts BullMQ);
 *   - a SharedState for the few facts replicas must agree on (the same two files).
 *
 * Everything above these two interfaces is one code path for both modes.
 */

/** What a job does; also the label of its metrics. */
export type JobKind = 'evaluate' | 'publish' | 'recheck' | 'promote' | 'guard';
export const JOB_KINDS: readonly JobKind[] = ['evaluate', 'publish', 'recheck', 'promote', 'guard'];

/** Lower runs first: pull-request feedback ahead of publication ahead of reconciliation's bulk work. */
export const PRIORITY = { feedback: 1, publication: 2, reconciliation: 3 } as const;

export type JobOutcome = 'ok' | 'retry' | 'failed' | 'coalesced' | 'duplicate';

/** Told about every job that ends an attempt, and about deliveries that made no job (ops turns this into metrics). */
export interface QueueObserver {
  jobFinished(kind: string, outcome: JobOutcome, seconds: number): void;
}

export interface KindStats {
  readonly kind: string;
  /** Jobs waiting, delayed (retry, busy key) or running. */
  readonly depth: number;
  /** Age of the oldest of them (since it was first queued); 0 when there are none. */
  readonly oldestAgeSeconds: number;
}

/** A job as stored: JSON only, so both transports keep it as it is. */
export interface JobData {
  readonly kind: JobKind;
  /** What the job is about: 'owner/repo#7' (evaluate), 'owner/repo' (publish), a delivery id (commands). */
  readonly key: string;
  readonly installationId: number;
  readonly deliveryId?: string;
  /** The webhook event that queued the job (`pull_request.opened`), for log lines. */
  readonly event?: string;
  /** The key's epoch when the job was queued (see DomainQueue.enqueue). */
  readonly epoch: number;
  readonly enqueuedAt: number;
  /** Attempts that ended in an error so far. */
  readonly failures: number;
  /** Times the job was put back because its key was busy. */
  readonly postponed: number;
  /** Makes the stored job recognisable as this enqueue's (a second add with the same id returns the first job). */
  readonly token: string;
  readonly payload: Record<string, unknown>;
}

export interface TransportJob {
  readonly id: string;
  readonly data: JobData;
  /** How often this job has been handed to a worker, this time included (a crash of a replica counts too). */
  readonly started: number;
}

/** What a worker tells the transport about a job it ran. */
export type TransportResult =
  | { readonly type: 'done' }
  /** Run it again later: its key was busy (no failure), or it failed and is retried; `data` carries the counts. */
  | { readonly type: 'later'; readonly delayMs: number; readonly data: JobData };

export interface Transport {
  /** Adds a job unless one with this id is still queued or running; true when added. */
  add(id: string, data: JobData, priority: number): Promise<boolean>;
  /** Starts handing out jobs; `concurrency` at a time. */
  process(worker: (job: TransportJob) => Promise<TransportResult>): void;
  /** Queued, delayed and running jobs (for stats). */
  pending(): Promise<Array<{ kind: string; enqueuedAt: number }>>;
  /** Stops handing out jobs and waits for the running ones. */
  close(): Promise<void>;
  ping?(): Promise<void>;
}

export interface Lock {
  release(): Promise<void>;
}

/** The facts replicas share, with expiry. Values are strings (JSON where structured). */
export interface SharedState {
  /** Sets the key if absent; true when this call set it. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Sets the key's value unless the stored one has a greater `order` (ISO timestamps compare as strings). */
  setIfNotOlder(key: string, value: string, order: string, ttlSeconds: number): Promise<void>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Reads and deletes. */
  take(key: string): Promise<string | undefined>;
  incr(key: string, ttlSeconds: number): Promise<number>;
  hset(key: string, field: string, value: string, ttlSeconds: number): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, fields: readonly string[]): Promise<void>;
  /** A lock held until released (kept alive meanwhile); undefined when someone else holds it. */
  tryLock(key: string): Promise<Lock | undefined>;
  ping?(): Promise<void>;
  close(): Promise<void>;
}

export interface QueueLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Time, injectable for tests (vitest's fake timers drive the defaults). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { unref?(): unknown };
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
