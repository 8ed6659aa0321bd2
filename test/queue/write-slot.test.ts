/**
 * GitHub's write budget shared by replicas through Redis (Probot's throttling on Bottleneck):
 * a replica that dies while it holds the installation's write slot must not stop the writes of
 * the others for the plugin's 60 s. Real redis-server, real Bottleneck clustering.
 */
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { budgetThrottle, WRITE_SLOT_EXPIRATION_MS } from '../../src/github/platform/write-budget.js';
import { startRedis, until, type RedisServer } from './cluster.js';

interface Limiter {
  schedule(options: Record<string, unknown>, fn: () => Promise<unknown>): Promise<unknown>;
}

let redis: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

/** One replica's write group for installation 42, as FreigabeOctokit builds it under REDIS_URL. */
function replica(): { limiter: Limiter; connection: Bottleneck.IORedisConnection } {
  const client = new Redis(redis.url);
  clients.push(client);
  const connection = new Bottleneck.IORedisConnection({ client });
  const throttle = budgetThrottle({ Bottleneck, connection })!;
  return { limiter: (throttle.write as { key(id: string): Limiter }).key('42'), connection };
}

test('a write slot held by a replica that died is given to the others after WRITE_SLOT_EXPIRATION_MS, not after 60 s', async () => {
  const dying = replica();
  let started = false;
  // The plugin schedules each write with expiration 60 s when clustering; the dying replica takes
  // the slot and never gives it back (its process is gone).
  void dying.limiter.schedule({ expiration: 60_000 }, () => {
    started = true;
    return new Promise(() => {});
  }).catch(() => {});
  await until('the dying replica to hold the slot', () => started, 30_000);
  await dying.connection.disconnect(false);

  const probe = new Redis(redis.url);
  clients.push(probe);
  const expirations = await probe.zrange('b_octokit-write-42_job_expirations', 0, -1, 'WITHSCORES');
  expect(expirations).toHaveLength(2); // one job, one score
  const [seconds, micros] = (await probe.time()).map(Number);
  const left = Number(expirations[1]) - (seconds * 1000 + Math.floor(micros / 1000));
  expect(left).toBeLessThanOrEqual(WRITE_SLOT_EXPIRATION_MS);
  expect(left).toBeGreaterThan(0);

  // Another replica's write waits for that slot and then gets it.
  const survivor = replica();
  let wrote = false;
  await survivor.limiter.schedule({ expiration: 60_000 }, async () => {
    wrote = true;
  });
  expect(wrote).toBe(true);
  await survivor.connection.disconnect(false);
}, 120_000);

test('the write slot’s expiration: none without Redis; with it WRITE_SLOT_EXPIRATION_MS instead of the plugin’s 60 s', async () => {
  const seen: Record<string, unknown>[] = [];
  class Group {
    key() {
      return { schedule: (options: Record<string, unknown>, fn: () => unknown) => (seen.push(options), Promise.resolve(fn())) };
    }
  }
  const throttle = budgetThrottle({ Bottleneck: { Group } })!;
  await (throttle.write as { key(id: string): Limiter }).key('1').schedule({}, async () => undefined);
  await (throttle.write as { key(id: string): Limiter }).key('1').schedule({ expiration: 60_000, priority: 0 }, async () => undefined);
  expect(seen[0]).not.toHaveProperty('expiration');
  expect(seen[1]).toMatchObject({ expiration: WRITE_SLOT_EXPIRATION_MS, priority: 0 });
});
