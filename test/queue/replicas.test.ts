/**
 * Two app replicas (the real entry, dist/src/start.js) on one real redis-server, against the
 * GitHub-shaped fake on loopback. Every wait has a generous limit and no assertion is about
 * time: the promises are about what ends up on GitHub.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTrailers } from '../../src/core/publication.js';
import { deliver, Replica, startRedis, until, type Delivery, type RedisServer } from './cluster.js';
import { FakeGitHub } from './fake-github.js';
import { merge, openPull, pullRequestDelivery, pushDelivery, recheckDelivery, renderedStages, seedEstate, at } from './scenario.js';

const LIMIT = 240_000;
const STAGES = ['vorpruefung', 'abnahme', 'produktion'];
const NAMES = ['freigabe/validation', 'freigabe/approval'];

let redis: RedisServer;
let fake: FakeGitHub;
let replicas: Replica[] = [];
let bull: Queue;
let main: string;

async function startReplica(i: number): Promise<Replica> {
  const r = await Replica.start({ githubPort: fake.ports[i], redisUrl: redis.url });
  replicas[i] = r;
  return r;
}

beforeAll(async () => {
  redis = await startRedis();
  fake = new FakeGitHub();
  await fake.start(3); // the third port: the webhooks-only replica
  main = seedEstate(fake);
  await Promise.all([startReplica(0), startReplica(1)]);
  const u = new URL(redis.url);
  bull = new Queue('freigabe', { connection: { host: u.hostname, port: Number(u.port) }, prefix: 'freigabe' });
}, 120_000);

afterAll(async () => {
  await bull?.close();
  await Promise.all(replicas.map((r) => r?.stop()));
  await fake?.stop();
  await redis?.stop();
}, 60_000);

/** Nothing queued or running in Redis, and GitHub heard nothing new for two seconds. */
async function settled(): Promise<void> {
  let last = -1;
  let quietSince = Date.now();
  await until('the queue to drain', async () => {
    const counts = await bull.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
    const busy = Object.values(counts).some((n) => n > 0);
    if (busy || fake.requests.length !== last) {
      last = fake.requests.length;
      quietSince = Date.now();
      return false;
    }
    return Date.now() - quietSince > 2000;
  }, LIMIT);
}

/** Sends each delivery to one replica, alternating (or to both: the same delivery twice). */
async function send(deliveries: readonly Delivery[], to: 'alternate' | 'both' = 'alternate', parallel = 20): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const i = next++;
      const targets = to === 'both' ? replicas : [replicas[i % replicas.length]];
      const results = await Promise.all(targets.map((r) => deliver(r.port, deliveries[i])));
      statuses.push(...results.map((x) => x.status));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

function lastRun(headShas: readonly string[], name: string) {
  const runs = fake.checkRuns.filter((c) => c.name === name && headShas.includes(c.headSha));
  return runs.reduce((a, b) => (b.seq > a.seq ? b : a));
}

function renderedAt(files: Record<string, string>): boolean {
  const wanted = renderedStages(files);
  return STAGES.every((s) => {
    const have = fake.files(`rendered/${s}`);
    const want = wanted.get(s)!;
    return have.size === want.size && [...want].every(([p, t]) => have.get(p) === t);
  });
}

function noProblems(): void {
  expect(fake.problems).toEqual([]);
  for (const r of replicas) expect(r.logs.filter((l) => l.includes('freigabe internal error'))).toEqual([]);
}

describe('two replicas on one Redis', () => {
  test('each delivery is processed exactly once when both replicas receive it', async () => {
    const numbers = Array.from({ length: 10 }, (_, i) => i + 1);
    for (const n of numbers) openPull(fake, main, n, 1);
    const statuses = await send(numbers.map((n) => recheckDelivery(n)), 'both');
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    await until('every pull request evaluated', () => numbers.every((n) => NAMES.every((name) => fake.checkRuns.some((c) => c.name === name && c.headSha === fake.pulls.get(n)!.head))), LIMIT);
    await settled();
    // one permission check per /freigabe recheck, one evaluation per pull request
    expect(fake.countOf('repos/get-collaborator-permission-level')).toBe(numbers.length);
    for (const n of numbers) expect(fake.checkRuns.filter((c) => c.headSha === fake.pulls.get(n)!.head)).toHaveLength(2);
    // Probot's throttling keeps its state in the same Redis (Bottleneck's keys)
    const client = new Redis(redis.url);
    try {
      expect((await client.keys('b_*')).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
    noProblems();
  }, LIMIT + 60_000);

  test('a burst of 200 deliveries for 20 pull requests: every pull request ends with check runs for its newest head, never an older head last', async () => {
    const numbers = Array.from({ length: 20 }, (_, i) => 101 + i);
    const heads = new Map(numbers.map((n) => [n, openPull(fake, main, n, 10)]));
    const deliveries = numbers.flatMap((n) => heads.get(n)!.map((sha, i) => pullRequestDelivery(fake, i === 0 ? 'opened' : 'synchronize', n, sha, at(i + 1))));
    // shuffled (a fixed permutation): older heads arrive after newer ones
    const shuffled = deliveries.map((d, i) => ({ d, k: (i * 7919) % deliveries.length })).sort((a, b) => a.k - b.k).map((x) => x.d);
    const statuses = await send(shuffled);
    expect(statuses).toHaveLength(200);
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    await until('every newest head evaluated', () => numbers.every((n) => NAMES.every((name) => fake.checkRuns.some((c) => c.name === name && c.headSha === heads.get(n)!.at(-1)))), LIMIT);
    await settled();
    for (const n of numbers) {
      for (const name of NAMES) expect(lastRun(heads.get(n)!, name).headSha, `${name} of #${n}`).toBe(heads.get(n)!.at(-1));
    }
    // coalesced: far fewer evaluations than deliveries
    const evaluations = fake.checkRuns.filter((c) => c.name === NAMES[0] && numbers.some((n) => heads.get(n)!.includes(c.headSha))).length;
    expect(evaluations).toBeLessThan(200);
    noProblems();
  }, LIMIT + 60_000);

  test('two merges 200 ms apart, to different replicas: the rendered branches end at the newer commit', async () => {
    const first = merge(fake, main, 2);
    const second = merge(fake, first.sha, 3);
    expect((await deliver(replicas[0].port, pushDelivery(main, first.sha))).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 200));
    expect((await deliver(replicas[1].port, pushDelivery(first.sha, second.sha))).status).toBeLessThan(300);
    main = second.sha;
    await until('rendered branches at the newer commit', () => renderedAt(second.files), LIMIT);
    await settled();
    expect(renderedAt(second.files)).toBe(true);
    for (const s of STAGES) {
      expect(parseTrailers(fake.history(`rendered/${s}`)[0].message).source).toBe(second.sha);
      expect(fake.publicationsOf(`rendered/${s}`, second.sha)).toBe(1);
    }
    noProblems();
  }, LIMIT + 60_000);

  test('kill -9 of the replica in the middle of a publication: the other finishes it, no duplicate commit, nothing lost', async () => {
    const next = merge(fake, main, 2);
    const held = fake.hold((r) => r.method === 'PATCH' && decodeURIComponent(r.path).endsWith('/git/refs/heads/rendered/abnahme'));
    expect((await deliver(replicas[0].port, pushDelivery(main, next.sha))).status).toBeLessThan(300);
    main = next.sha;
    const request = await held;
    const victim = fake.ports.indexOf(request.port);
    expect(victim).toBeGreaterThanOrEqual(0);
    // the first stage is published, the second one's ref update is under way
    expect(parseTrailers(fake.history('rendered/vorpruefung')[0].message).source).toBe(next.sha);
    expect(parseTrailers(fake.history('rendered/abnahme')[0].message).source).not.toBe(next.sha);
    await replicas[victim].kill();

    await until('the other replica finishes the publication', () => renderedAt(next.files), LIMIT);
    await settled();
    for (const s of STAGES) expect(fake.publicationsOf(`rendered/${s}`, next.sha), s).toBe(1);
    noProblems();
    await startReplica(victim);
  }, LIMIT + 60_000);

  test('both replicas restarted with jobs queued: none is lost', async () => {
    const numbers = Array.from({ length: 5 }, (_, i) => 201 + i);
    for (const n of numbers) openPull(fake, main, n, 1);
    const next = merge(fake, main, 3);
    fake.pause();
    const statuses = await send([...numbers.map((n) => pullRequestDelivery(fake, 'opened', n, fake.pulls.get(n)!.head, at(1))), pushDelivery(main, next.sha)]);
    main = next.sha;
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    // some jobs are running (waiting for GitHub), the rest are queued: both replicas die
    await until('jobs to be running (waiting for GitHub)', () => fake.paused > 0, LIMIT);
    await Promise.all(replicas.map((r) => r.kill()));
    fake.dropConnections();
    await Promise.all([startReplica(0), startReplica(1)]);

    await until('every pull request evaluated', () => numbers.every((n) => NAMES.every((name) => fake.checkRuns.some((c) => c.name === name && c.headSha === fake.pulls.get(n)!.head))), LIMIT);
    await until('the publication done', () => renderedAt(next.files), LIMIT);
    await settled();
    for (const s of STAGES) expect(fake.publicationsOf(`rendered/${s}`, next.sha), s).toBe(1);
    noProblems();
  }, LIMIT + 60_000);

  test('a replica with FREIGABE_ROLE=webhooks answers and queues; the replicas with role all run the jobs', async () => {
    const front = await Replica.start({ githubPort: fake.ports[2], redisUrl: redis.url, env: { FREIGABE_ROLE: 'webhooks' } });
    try {
      const numbers = [301, 302, 303];
      for (const n of numbers) openPull(fake, main, n, 1);
      const next = merge(fake, main, 4);
      const answers = await Promise.all([
        ...numbers.map((n) => deliver(front.port, pullRequestDelivery(fake, 'opened', n, fake.pulls.get(n)!.head, at(1)))),
        deliver(front.port, pushDelivery(main, next.sha)),
      ]);
      main = next.sha;
      expect(answers.every((a) => a.status >= 200 && a.status < 300)).toBe(true);
      await until('every pull request evaluated', () => numbers.every((n) => NAMES.every((name) => fake.checkRuns.some((c) => c.name === name && c.headSha === fake.pulls.get(n)!.head))), LIMIT);
      await until('the publication done', () => renderedAt(next.files), LIMIT);
      await settled();
      for (const s of STAGES) expect(fake.publicationsOf(`rendered/${s}`, next.sha), s).toBe(1);
      // the front replica ran nothing: GitHub never heard from it, its log names no evaluation
      expect(fake.requests.filter((r) => r.port === fake.ports[2]).map((r) => r.operationId)).toEqual([]);
      expect(front.logs.some((l) => l.includes('FREIGABE_ROLE=webhooks'))).toBe(true);
      expect(front.logs.filter((l) => l.includes('freigabe evaluated pull request'))).toEqual([]);
      const evaluatedBy = replicas.flatMap((r) => r.logs.filter((l) => l.includes('freigabe evaluated pull request') && /#30[123]"/.test(l)));
      expect(evaluatedBy.length).toBeGreaterThanOrEqual(numbers.length);
      noProblems();
    } finally {
      await front.stop();
    }
  }, LIMIT + 60_000);
});
