/**
 * The queue that knows the domain, the same for both modes (types.ts):
 *
 *   - deliveries are deduplicated by X-GitHub-Delivery (`claimDelivery`, one hour);
 *   - coalescing: every key ('owner/repo#7', 'owner/repo') has an epoch that a job bumps when
 *     it starts. A job's id names the epoch it was queued in, so while one job of a key waits,
 *     further deliveries find it and only update the shared facts the job reads when it runs
 *     ('coalesced'); once it runs, the next delivery queues the next job. A job queued before
 *     another job of its key started is redundant and ends as 'coalesced' without work;
 *   - one job per key at a time, across replicas: a job whose lock is held elsewhere is put
 *     back for a second (no failure counted);
 *   - priorities (types.ts PRIORITY);
 *   - retries: a transient GitHub failure (transient.ts) — for publication any failure — is
 *     retried with exponential backoff and at least the wait GitHub asks for; a job that
 *     gives up is logged and counted and left to the next reconciliation.
 */
import { randomUUID } from 'node:crypto';
import { loggable } from '../platform/loggable.js';
import { DEFAULT_RETRY, retryDelayMs, transience, type RetryPolicy } from './transient.js';
import { MemoryTransport } from './memory.js';
import {
  JOB_KINDS,
  systemClock,
  type Clock,
  type JobData,
  type JobKind,
  type KindStats,
  type QueueLogger,
  type QueueObserver,
  type SharedState,
  type Transport,
  type TransportJob,
  type TransportResult,
} from './types.js';

/** What ops wires: stats for /metrics, close on SIGTERM, ping for /readyz (Redis mode). */
export interface FreigabeQueue {
  readonly mode: 'in-process' | 'redis';
  stats(): Promise<KindStats[]>;
  /** Stops taking new jobs and waits for the running ones (they finish or go back to the queue). */
  close(): Promise<void>;
  ping?(): Promise<void>;
}

export type HandlerResult = 'ok' | 'coalesced' | 'failed';

export interface KindOptions {
  /** Jobs of one key coalesce (evaluate, publish); commands do not. */
  readonly coalesce: boolean;
  /** The lock a job holds while it runs (one job per pull request / repository at a time). */
  readonly lock?: (data: JobData) => string | undefined;
  /** Retry every failure, not only transient ones (publication: nothing else repairs it soon). */
  readonly retryAnyError?: boolean;
}

export interface EnqueueRequest {
  readonly kind: JobKind;
  readonly key: string;
  readonly installationId: number;
  readonly deliveryId?: string;
  readonly event?: string;
  readonly priority: number;
  readonly payload?: Record<string, unknown>;
}

export interface DomainQueueOptions {
  readonly mode: FreigabeQueue['mode'];
  readonly transport: Transport;
  readonly state: SharedState;
  readonly log: QueueLogger;
  readonly observer?: QueueObserver;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  /** Wait before a job whose key is busy runs again (default 1 s, plus jitter). */
  readonly busyDelayMs?: number;
}

/** Facts live a week: long enough for any queue backlog, short enough not to pile up. */
export const STATE_TTL_SECONDS = 7 * 24 * 3600;
export const DELIVERY_TTL_SECONDS = 3600;

/** BullMQ ids may not contain ':'. */
function jobId(kind: JobKind, key: string, epoch: number, priority: number): string {
  return `${kind}|${key}|${epoch}|p${priority}`.replaceAll(':', '%3A');
}

export class DomainQueue implements FreigabeQueue {
  readonly mode: FreigabeQueue['mode'];
  readonly state: SharedState;
  readonly #transport: Transport;
  readonly #log: QueueLogger;
  readonly #observer: QueueObserver | undefined;
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #busyDelayMs: number;
  readonly #handlers = new Map<JobKind, { run: (data: JobData) => Promise<HandlerResult>; options: KindOptions }>();
  #started = false;
  #closed: Promise<void> | undefined;

  constructor(options: DomainQueueOptions) {
    this.mode = options.mode;
    this.state = options.state;
    this.#transport = options.transport;
    this.#log = options.log;
    this.#observer = options.observer;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#clock = options.clock ?? systemClock;
    this.#busyDelayMs = options.busyDelayMs ?? 1000;
  }

  /** Registers the worker of a kind; jobs are handed out once `start` was called. */
  handle(kind: JobKind, options: KindOptions, run: (data: JobData) => Promise<HandlerResult>): void {
    this.#handlers.set(kind, { run, options });
  }

  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#transport.process((job) => this.#run(job));
  }

  /** True the first time a delivery id is seen (per `part`: one delivery may feed two handlers). */
  async claimDelivery(deliveryId: string, part: string): Promise<boolean> {
    const first = await this.state.claim(`delivery:${deliveryId}:${part}`, DELIVERY_TTL_SECONDS);
    if (!first) this.#observer?.jobFinished(part, 'duplicate', 0);
    return first;
  }

  /** Forgets a claimed delivery (its job could not be recorded, so a redelivery must be taken). */
  async releaseDelivery(deliveryId: string, part: string): Promise<void> {
    await this.state.take(`delivery:${deliveryId}:${part}`);
  }

  async enqueue(request: EnqueueRequest): Promise<'queued' | 'coalesced'> {
    const coalesce = this.#handlers.get(request.kind)?.options.coalesce ?? false;
    const epoch = coalesce ? Number((await this.state.get(`epoch:${request.key}`)) ?? '0') : 0;
    const data: JobData = {
      kind: request.kind,
      key: request.key,
      installationId: request.installationId,
      ...(request.deliveryId ? { deliveryId: request.deliveryId } : {}),
      ...(request.event ? { event: request.event } : {}),
      epoch,
      enqueuedAt: this.#clock.now(),
      failures: 0,
      postponed: 0,
      token: randomUUID(),
      payload: request.payload ?? {},
    };
    const added = await this.#transport.add(jobId(request.kind, request.key, epoch, request.priority), data, request.priority);
    if (!added) this.#observer?.jobFinished(request.kind, 'coalesced', 0);
    return added ? 'queued' : 'coalesced';
  }

  /** Runs `task` holding the key's lock, waiting for it (reconciliation shares the publication lock). */
  async exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
    for (;;) {
      const lock = await this.state.tryLock(key);
      if (lock) {
        try {
          return await task();
        } finally {
          await lock.release();
        }
      }
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, this.#busyDelayMs));
    }
  }

  async stats(): Promise<KindStats[]> {
    const now = this.#clock.now();
    const pending = await this.#transport.pending();
    return JOB_KINDS.map((kind) => {
      const mine = pending.filter((p) => p.kind === kind);
      const oldest = mine.reduce((min, p) => Math.min(min, p.enqueuedAt), Infinity);
      return { kind, depth: mine.length, oldestAgeSeconds: mine.length === 0 ? 0 : Math.max(0, (now - oldest) / 1000) };
    });
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#transport.close();
      await this.state.close();
    })();
    return this.#closed;
  }

  async ping(): Promise<void> {
    await this.#transport.ping?.();
    await this.state.ping?.();
  }

  /** In-process mode: resolves when no job is queued or running (tests and benchmarks). */
  async idle(): Promise<void> {
    if (this.#transport instanceof MemoryTransport) await this.#transport.idle();
  }

  async #run(job: TransportJob): Promise<TransportResult> {
    const { data } = job;
    const handler = this.#handlers.get(data.kind);
    const log = { kind: data.kind, key: data.key, ...(data.deliveryId ? { delivery: data.deliveryId } : {}) };
    if (!handler) {
      this.#log.error(log, 'freigabe queue: job of an unknown kind dropped');
      return { type: 'done' };
    }
    const lockKey = handler.options.lock?.(data);
    const lock = lockKey ? await this.state.tryLock(lockKey) : undefined;
    if (lockKey && !lock) {
      return { type: 'later', delayMs: this.#busyDelayMs + Math.floor(Math.random() * this.#busyDelayMs * 0.5), data: { ...data, postponed: data.postponed + 1 } };
    }
    const start = this.#clock.now();
    const seconds = () => (this.#clock.now() - start) / 1000;
    try {
      if (handler.options.coalesce) {
        const current = Number((await this.state.get(`epoch:${data.key}`)) ?? '0');
        // Never run before (not a retry, not a job whose replica died — only put back while its key was busy)
        // and a newer job of its key has started since it was queued: that one read everything this one would.
        const fresh = data.failures === 0 && job.started - data.postponed === 1;
        if (fresh && data.epoch < current) {
          this.#observer?.jobFinished(data.kind, 'coalesced', seconds());
          return { type: 'done' };
        }
        await this.state.incr(`epoch:${data.key}`, STATE_TTL_SECONDS);
      }
      const outcome = await handler.run(data);
      this.#observer?.jobFinished(data.kind, outcome, seconds());
      return { type: 'done' };
    } catch (error) {
      const transient = transience(error, this.#clock.now());
      const failures = data.failures + 1;
      if ((transient || handler.options.retryAnyError) && failures < this.#retry.attempts) {
        const delayMs = retryDelayMs(this.#retry, failures, transient?.delayMs);
        this.#observer?.jobFinished(data.kind, 'retry', seconds());
        this.#log.warn({ ...log, err: loggable(error), failures, retryInSeconds: Math.round(delayMs / 1000) }, 'freigabe job failed; retrying later');
        return { type: 'later', delayMs, data: { ...data, failures } };
      }
      this.#observer?.jobFinished(data.kind, 'failed', seconds());
      this.#log.error({ ...log, err: loggable(error), failures }, 'freigabe job gave up; the next reconciliation repairs what it would have done');
      return { type: 'done' };
    } finally {
      await lock?.release();
    }
  }
}
