/**
 * The Redis mode (REDIS_URL): jobs in one BullMQ queue that any number of replicas share,
 * the shared facts as plain Redis keys. A replica that dies mid-job loses its BullMQ lock;
 * another replica finds the job stalled and runs it again (lockSeconds later at the
 * latest). Locks on keys (a pull request, a repository) expire the same way.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobData, Lock, SharedState, Transport, TransportJob, TransportResult } from './types.js';

const QUEUE_NAME = 'freigabe';
const PREFIX = 'freigabe';

export interface RedisModeOptions {
  readonly url: string;
  /** How long a replica may go silent before its jobs and locks pass to another (default 30). */
  readonly lockSeconds?: number;
  readonly concurrency?: number;
}

function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** BullMQ connects itself (with the ioredis it ships): options, not a client. */
function bullConnection(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Blocking connections need it; a job add waits for a reconnect instead of failing at once.
    maxRetriesPerRequest: null,
  };
}

export class BullTransport implements Transport {
  readonly #queue: Queue;
  readonly #options: RedisModeOptions;
  #worker: Worker | undefined;

  constructor(options: RedisModeOptions) {
    this.#options = options;
    this.#queue = new Queue(QUEUE_NAME, { connection: bullConnection(options.url), prefix: PREFIX });
  }

  async add(id: string, data: JobData, priority: number): Promise<boolean> {
    const job = await this.#queue.add(data.kind, data, { jobId: id, priority, removeOnComplete: true, removeOnFail: { count: 1000 } });
    // BullMQ answers a second add with the same id with the job already there.
    return (job.data as JobData).token === data.token;
  }

  process(run: (job: TransportJob) => Promise<TransportResult>): void {
    const lockSeconds = this.#options.lockSeconds ?? 30;
    this.#worker = new Worker(
      QUEUE_NAME,
      async (job: Job, token?: string) => {
        const result = await run({ id: job.id!, data: job.data as JobData, started: job.attemptsStarted });
        if (result.type === 'done') return;
        await job.updateData(result.data);
        await job.moveToDelayed(Date.now() + result.delayMs, token);
        throw new DelayedError();
      },
      {
        connection: bullConnection(this.#options.url),
        prefix: PREFIX,
        concurrency: this.#options.concurrency ?? 4,
        lockDuration: lockSeconds * 1000,
        stalledInterval: lockSeconds * 1000,
        // A job whose replica died is run again, however often that happens; the domain queue's own retries are counted in the job.
        maxStalledCount: 1000,
      },
    );
    this.#worker.on('error', () => {
      // Connection errors are retried by ioredis; readiness (ping) reports them.
    });
  }

  async pending(): Promise<Array<{ kind: string; enqueuedAt: number }>> {
    const jobs = await this.#queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'paused'], 0, 9999);
    return jobs.filter(Boolean).map((j) => ({ kind: (j.data as JobData).kind, enqueuedAt: (j.data as JobData).enqueuedAt }));
  }

  async ping(): Promise<void> {
    // A cheap round trip over BullMQ's own connection.
    await this.#queue.getJobCountByTypes('waiting');
  }

  async close(): Promise<void> {
    // Worker.close waits for the running jobs; they complete or are postponed back into Redis.
    await this.#worker?.close();
    await this.#queue.close();
  }
}

const SET_IF_NOT_OLDER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and decoded.order and decoded.order > ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], cjson.encode({ order = ARGV[2], value = ARGV[1] }), 'EX', tonumber(ARGV[3]))
return 1`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export class RedisState implements SharedState {
  readonly #redis: Redis;
  readonly #lockMs: number;

  constructor(options: RedisModeOptions) {
    this.#redis = connect(options.url);
    this.#lockMs = (options.lockSeconds ?? 30) * 1000;
  }

  #key(key: string): string {
    return `${PREFIX}:state:${key}`;
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.#redis.set(this.#key(key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#key(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#redis.set(this.#key(key), value, 'EX', ttlSeconds);
  }

  async setIfNotOlder(key: string, value: string, order: string, ttlSeconds: number): Promise<void> {
    await this.#redis.eval(SET_IF_NOT_OLDER, 1, this.#key(key), value, order, String(ttlSeconds));
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.#redis.getdel(this.#key(key))) ?? undefined;
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const [[, n]] = (await this.#redis.multi().incr(this.#key(key)).expire(this.#key(key), ttlSeconds).exec()) as [[Error | null, number]];
    return n;
  }

  async hset(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#redis.multi().hset(this.#key(key), field, value).expire(this.#key(key), ttlSeconds).exec();
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.#redis.hgetall(this.#key(key));
  }

  async hdel(key: string, fields: readonly string[]): Promise<void> {
    if (fields.length > 0) await this.#redis.hdel(this.#key(key), ...fields);
  }

  async tryLock(key: string): Promise<Lock | undefined> {
    const k = `${PREFIX}:lock:${key}`;
    const token = randomUUID();
    if ((await this.#redis.set(k, token, 'PX', this.#lockMs, 'NX')) !== 'OK') return undefined;
    const renew = setInterval(() => {
      this.#redis.eval(RENEW, 1, k, token, String(this.#lockMs)).catch(() => undefined);
    }, Math.max(1000, Math.floor(this.#lockMs / 3)));
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.#redis.eval(RELEASE, 1, k, token).catch(() => undefined);
      },
    };
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
