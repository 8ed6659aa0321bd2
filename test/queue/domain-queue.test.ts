/**
 * The domain queue in its in-process mode: deduplication, coalescing, one job per key,
 * priorities, retries with backoff (vitest's fake clock), giving up.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createQueue, type DomainQueue } from '../../src/github/queue/index.js';
import { retryDelayMs, transience, DEFAULT_RETRY } from '../../src/github/queue/transient.js';
import type { JobData, JobOutcome } from '../../src/github/queue/types.js';
import { pushChain } from '../../src/github/workers.js';

interface Harness {
  readonly queue: DomainQueue;
  readonly outcomes: Array<[string, JobOutcome]>;
  readonly logs: string[];
}

function harness(options: { concurrency?: number } = {}): Harness {
  const outcomes: Array<[string, JobOutcome]> = [];
  const logs: string[] = [];
  const log = { info: (_o: unknown, m?: string) => logs.push(`info ${m}`), warn: (_o: unknown, m?: string) => logs.push(`warn ${m}`), error: (_o: unknown, m?: string) => logs.push(`error ${m}`) };
  const queue = createQueue({ log, observer: { jobFinished: (kind, outcome) => outcomes.push([kind, outcome]) }, ...options });
  return { queue, outcomes, logs };
}

const job = (key: string, priority = 1, payload: Record<string, unknown> = {}) => ({ kind: 'evaluate' as const, key, installationId: 1, priority, payload });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const httpError = (status: number, headers: Record<string, string> = {}, message = 'x') => Object.assign(new Error(message), { status, response: { headers } });

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.queue.close();
  h = undefined;
});

describe('deliveries', () => {
  test('a delivery id is taken once per part; the second is counted as a duplicate', async () => {
    h = harness();
    expect(await h.queue.claimDelivery('d-1', 'evaluate')).toBe(true);
    expect(await h.queue.claimDelivery('d-1', 'evaluate')).toBe(false);
    expect(await h.queue.claimDelivery('d-1', 'promote')).toBe(true);
    expect(h.outcomes).toEqual([['evaluate', 'duplicate']]);
    await h.queue.releaseDelivery('d-1', 'evaluate');
    expect(await h.queue.claimDelivery('d-1', 'evaluate')).toBe(true);
  });
});

describe('coalescing and one job per key', () => {
  test('while a job of a key waits, further jobs of that key join it; the next one after it started runs after it', async () => {
    h = harness();
    const runs: string[] = [];
    const gate = deferred();
    h.queue.handle('evaluate', { coalesce: true, lock: (d) => d.key }, async (d: JobData) => {
      runs.push(`${d.key}:${String(d.payload.n)}`);
      if (d.payload.n === 1) await gate.promise;
      return 'ok';
    });
    expect(await h.queue.enqueue(job('a', 1, { n: 1 }))).toBe('queued');
    expect(await h.queue.enqueue(job('a', 1, { n: 2 }))).toBe('coalesced');
    expect(await h.queue.enqueue(job('a', 1, { n: 3 }))).toBe('coalesced');
    h.queue.start();
    await vi.waitFor(() => expect(runs).toEqual(['a:1']));
    // a:1 runs: the next delivery makes a new job, which waits for the key; b runs meanwhile
    expect(await h.queue.enqueue(job('a', 1, { n: 4 }))).toBe('queued');
    expect(await h.queue.enqueue(job('a', 1, { n: 5 }))).toBe('coalesced');
    expect(await h.queue.enqueue(job('b', 1, { n: 6 }))).toBe('queued');
    await vi.waitFor(() => expect(runs).toContain('b:6'), { timeout: 90_000 });
    expect(runs).not.toContain('a:4');
    gate.resolve();
    await h.queue.idle();
    expect(runs).toEqual(['a:1', 'b:6', 'a:4']);
    expect(h.outcomes.filter(([, o]) => o === 'coalesced')).toHaveLength(3);
    expect(h.outcomes.filter(([, o]) => o === 'ok')).toHaveLength(3);
  });

  test('a job queued before another job of its key started has nothing left to do', async () => {
    h = harness({ concurrency: 1 });
    const runs: number[] = [];
    h.queue.handle('evaluate', { coalesce: true }, async (d) => {
      runs.push(Number(d.payload.n));
      return 'ok';
    });
    // the same key at two priorities: two jobs; the urgent one runs, the other is redundant
    await h.queue.enqueue(job('a', 3, { n: 1 }));
    await h.queue.enqueue(job('a', 1, { n: 2 }));
    h.queue.start();
    await h.queue.idle();
    expect(runs).toEqual([2]);
    expect(h.outcomes).toEqual([['evaluate', 'ok'], ['evaluate', 'coalesced']]);
  });

  test('commands do not coalesce', async () => {
    h = harness();
    let runs = 0;
    h.queue.handle('recheck', { coalesce: false }, async () => {
      runs++;
      return 'ok';
    });
    await h.queue.enqueue({ kind: 'recheck', key: 'd-1', installationId: 1, priority: 1 });
    await h.queue.enqueue({ kind: 'recheck', key: 'd-2', installationId: 1, priority: 1 });
    h.queue.start();
    await h.queue.idle();
    expect(runs).toBe(2);
  });
});

describe('priorities', () => {
  test('pull-request feedback first, then publication, then reconciliation; equal priorities in order of arrival', async () => {
    h = harness({ concurrency: 1 });
    const runs: string[] = [];
    for (const kind of ['evaluate', 'publish'] as const) {
      h.queue.handle(kind, { coalesce: true }, async (d) => {
        runs.push(d.key);
        return 'ok';
      });
    }
    await h.queue.enqueue({ ...job('reconcile-1', 3) });
    await h.queue.enqueue({ kind: 'publish', key: 'publish-1', installationId: 1, priority: 2 });
    await h.queue.enqueue(job('feedback-1', 1));
    await h.queue.enqueue({ ...job('reconcile-2', 3) });
    await h.queue.enqueue(job('feedback-2', 1));
    h.queue.start();
    await h.queue.idle();
    expect(runs).toEqual(['feedback-1', 'feedback-2', 'publish-1', 'reconcile-1', 'reconcile-2']);
  });

  test('stats: depth and age of the oldest job per kind', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    h = harness();
    await h.queue.enqueue(job('a'));
    vi.advanceTimersByTime(30_000);
    await h.queue.enqueue(job('b'));
    const stats = await h.queue.stats();
    expect(stats.find((s) => s.kind === 'evaluate')).toEqual({ kind: 'evaluate', depth: 2, oldestAgeSeconds: 30 });
    expect(stats.find((s) => s.kind === 'publish')).toEqual({ kind: 'publish', depth: 0, oldestAgeSeconds: 0 });
  });
});

describe('retries (fake clock)', () => {
  test('a transient failure is retried with exponential backoff, and not before', async () => {
    vi.useFakeTimers();
    h = harness();
    let attempts = 0;
    h.queue.handle('evaluate', { coalesce: true }, async () => {
      attempts++;
      if (attempts <= 2) throw httpError(502);
      return 'ok';
    });
    await h.queue.enqueue(job('a'));
    h.queue.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(3);
    await h.queue.idle();
    expect(h.outcomes.map(([, o]) => o)).toEqual(['retry', 'retry', 'ok']);
  });

  test('a secondary rate limit waits as long as retry-after says', async () => {
    vi.useFakeTimers();
    h = harness();
    let attempts = 0;
    h.queue.handle('evaluate', { coalesce: true }, async () => {
      if (++attempts === 1) throw httpError(403, { 'retry-after': '60' }, 'You have exceeded a secondary rate limit');
      return 'ok';
    });
    await h.queue.enqueue(job('a'));
    h.queue.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
  });

  test('a failure that is not transient is not retried — unless the kind retries every failure (publication)', async () => {
    vi.useFakeTimers();
    h = harness();
    const attempts = { evaluate: 0, publish: 0 };
    h.queue.handle('evaluate', { coalesce: true }, async () => {
      attempts.evaluate++;
      throw httpError(404);
    });
    h.queue.handle('publish', { coalesce: true, retryAnyError: true }, async () => {
      attempts.publish++;
      throw new Error('tree too large');
    });
    await h.queue.enqueue(job('a'));
    await h.queue.enqueue({ kind: 'publish', key: 'o/r', installationId: 1, priority: 2 });
    h.queue.start();
    // every wait of the default policy, in total about ten minutes
    for (let i = 1; i < DEFAULT_RETRY.attempts; i++) await vi.advanceTimersByTimeAsync(retryDelayMs(DEFAULT_RETRY, i));
    await h.queue.idle();
    expect(attempts).toEqual({ evaluate: 1, publish: DEFAULT_RETRY.attempts });
    expect(h.outcomes.filter(([k, o]) => k === 'publish' && o === 'retry')).toHaveLength(DEFAULT_RETRY.attempts - 1);
    expect(h.outcomes.filter(([, o]) => o === 'failed')).toEqual([['evaluate', 'failed'], ['publish', 'failed']]);
    expect(h.logs.filter((l) => l.includes('gave up'))).toHaveLength(2);
  });

  test('close waits for the running job and takes no new one', async () => {
    h = harness();
    const gate = deferred();
    let runs = 0;
    h.queue.handle('evaluate', { coalesce: true }, async () => {
      runs++;
      await gate.promise;
      return 'ok';
    });
    await h.queue.enqueue(job('a'));
    h.queue.start();
    await vi.waitFor(() => expect(runs).toBe(1));
    let closed = false;
    const closing = h.queue.close().then(() => (closed = true));
    expect(await h.queue.enqueue(job('b'))).toBe('coalesced');
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    gate.resolve();
    await closing;
    expect(runs).toBe(1);
  });
});

describe('what counts as transient', () => {
  test.each([
    ['500', httpError(500), true],
    ['502 with retry-after', httpError(502, { 'retry-after': '7' }), true],
    ['429', httpError(429), true],
    ['403 secondary rate limit', httpError(403, { 'retry-after': '60' }, 'You have exceeded a secondary rate limit'), true],
    ['403 primary rate limit', httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000' }, 'API rate limit exceeded'), true],
    ['403 forbidden', httpError(403, {}, 'Resource not accessible by integration'), false],
    ['404', httpError(404), false],
    ['422', httpError(422), false],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['fetch failed (cause: reset)', Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }), true],
    ['a bug', new TypeError('undefined is not a function'), false],
  ])('%s', (_name, error, expected) => {
    expect(transience(error, 1_000_000) !== undefined).toBe(expected);
  });

  test('the wait GitHub asks for', () => {
    expect(transience(httpError(403, { 'retry-after': '60' }, 'secondary rate limit'))?.delayMs).toBe(60_000);
    expect(transience(httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000' }, 'rate limit'), 1_990_000)?.delayMs).toBe(10_000);
    expect(retryDelayMs(DEFAULT_RETRY, 1)).toBe(5_000);
    expect(retryDelayMs(DEFAULT_RETRY, 3, 60_000)).toBe(60_000);
    expect(retryDelayMs(DEFAULT_RETRY, 20)).toBe(DEFAULT_RETRY.maxMs);
  });
});

describe('pending pushes', () => {
  const push = (before: string, seq: number) => JSON.stringify({ before, seq, defaultBranch: 'main' });
  test('one chain: the newest commit, proposed from the oldest before, whatever order they arrived in', () => {
    expect(pushChain({ C: push('B', 1), B: push('A', 2) })).toEqual({ tip: 'C', defaultBranch: 'main', roots: ['A'] });
    expect(pushChain({})).toBeUndefined();
  });
  test('a force push (no chain): the last to arrive, every before kept', () => {
    expect(pushChain({ B: push('A', 1), X: push('Y', 2) })).toEqual({ tip: 'X', defaultBranch: 'main', roots: ['A', 'Y'] });
  });
});
