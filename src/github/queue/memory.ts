/**
 * The in-process mode (no REDIS_URL): jobs and shared facts in this process's memory. One
 * replica only; jobs still queued when the process ends are gone, and the next
 * reconciliation repairs what they would have done.
 */
import { systemClock, type Clock, type JobData, type Lock, type SharedState, type Transport, type TransportJob, type TransportResult } from './types.js';

interface Entry {
  readonly id: string;
  data: JobData;
  priority: number;
  /** Insertion order among equal priorities. */
  seq: number;
  readyAt: number;
  running: boolean;
  started: number;
}

export class MemoryTransport implements Transport {
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #jobs = new Map<string, Entry>();
  readonly #running = new Set<Promise<void>>();
  readonly #idleWaiters: Array<() => void> = [];
  #worker: ((job: TransportJob) => Promise<TransportResult>) | undefined;
  #seq = 0;
  #timer: { handle: unknown; at: number } | undefined;
  #closed = false;

  constructor(options: { clock?: Clock; concurrency?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#concurrency = options.concurrency ?? 4;
  }

  async add(id: string, data: JobData, priority: number): Promise<boolean> {
    if (this.#closed || this.#jobs.has(id)) return false;
    this.#jobs.set(id, { id, data, priority, seq: this.#seq++, readyAt: 0, running: false, started: 0 });
    this.#pump();
    return true;
  }

  process(worker: (job: TransportJob) => Promise<TransportResult>): void {
    this.#worker = worker;
    this.#pump();
  }

  async pending(): Promise<Array<{ kind: string; enqueuedAt: number }>> {
    return [...this.#jobs.values()].map((e) => ({ kind: e.data.kind, enqueuedAt: e.data.enqueuedAt }));
  }

  /** Resolves once no job is queued, delayed or running (tests; a delayed retry keeps it waiting). */
  idle(): Promise<void> {
    if (this.#jobs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #pump(): void {
    if (!this.#worker || this.#closed) return;
    const now = this.#clock.now();
    while (this.#running.size < this.#concurrency) {
      let best: Entry | undefined;
      for (const e of this.#jobs.values()) {
        if (e.running || e.readyAt > now) continue;
        if (!best || e.priority < best.priority || (e.priority === best.priority && e.seq < best.seq)) best = e;
      }
      if (!best) break;
      this.#start(best);
    }
    this.#schedule(now);
  }

  /** One timer for the earliest delayed job. */
  #schedule(now: number): void {
    let next: number | undefined;
    for (const e of this.#jobs.values()) if (!e.running && e.readyAt > now && (next === undefined || e.readyAt < next)) next = e.readyAt;
    if (this.#timer && this.#timer.at === next) return;
    if (this.#timer) this.#clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    if (next === undefined) return;
    const handle = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, next - now);
    handle.unref?.();
    this.#timer = { handle, at: next };
  }

  #start(entry: Entry): void {
    entry.running = true;
    entry.started++;
    const run = (async () => {
      let result: TransportResult;
      try {
        result = await this.#worker!({ id: entry.id, data: entry.data, started: entry.started });
      } catch {
        // The domain queue catches everything; a throw here would be a bug in it: drop the job.
        result = { type: 'done' };
      }
      entry.running = false;
      if (result.type === 'done' || this.#closed) {
        this.#jobs.delete(entry.id);
      } else {
        entry.data = result.data;
        entry.readyAt = this.#clock.now() + result.delayMs;
        entry.seq = this.#seq++;
      }
    })();
    this.#running.add(run);
    void run.finally(() => {
      this.#running.delete(run);
      if (this.#jobs.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      this.#pump();
    });
  }
}

interface Value {
  value: string | Map<string, string>;
  expiresAt: number;
}

export class MemoryState implements SharedState {
  readonly #clock: Clock;
  readonly #values = new Map<string, Value>();
  readonly #locks = new Set<string>();
  #writes = 0;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  #read(key: string): Value | undefined {
    const v = this.#values.get(key);
    if (v && v.expiresAt <= this.#clock.now()) {
      this.#values.delete(key);
      return undefined;
    }
    return v;
  }

  #write(key: string, value: Value['value'], ttlSeconds: number): void {
    this.#values.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1000 });
    // Expired entries are dropped on access and, now and then, in one sweep.
    if (++this.#writes % 1000 === 0) for (const k of [...this.#values.keys()]) this.#read(k);
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.#read(key)) return false;
    this.#write(key, '1', ttlSeconds);
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    const v = this.#read(key)?.value;
    return typeof v === 'string' ? v : undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#write(key, value, ttlSeconds);
  }

  async setIfNotOlder(key: string, value: string, order: string, ttlSeconds: number): Promise<void> {
    const current = this.#read(key)?.value;
    if (typeof current === 'string' && (JSON.parse(current) as { order: string }).order > order) return;
    this.#write(key, JSON.stringify({ order, value }), ttlSeconds);
  }

  async take(key: string): Promise<string | undefined> {
    const v = await this.get(key);
    this.#values.delete(key);
    return v;
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const n = Number((await this.get(key)) ?? '0') + 1;
    this.#write(key, String(n), ttlSeconds);
    return n;
  }

  async hset(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    const current = this.#read(key)?.value;
    const map = current instanceof Map ? current : new Map<string, string>();
    map.set(field, value);
    this.#write(key, map, ttlSeconds);
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    const v = this.#read(key)?.value;
    return v instanceof Map ? Object.fromEntries(v) : {};
  }

  async hdel(key: string, fields: readonly string[]): Promise<void> {
    const v = this.#read(key)?.value;
    if (!(v instanceof Map)) return;
    for (const f of fields) v.delete(f);
    if (v.size === 0) this.#values.delete(key);
  }

  async tryLock(key: string): Promise<Lock | undefined> {
    if (this.#locks.has(key)) return undefined;
    this.#locks.add(key);
    let released = false;
    return {
      release: async () => {
        if (!released) this.#locks.delete(key);
        released = true;
      },
    };
  }

  async close(): Promise<void> {}
}
