#!/usr/bin/env node
/**
 * Webhook acknowledgement: p50/p99 of the time until the app answers, for a burst of 100
 * pull-request deliveries sent while a first publication runs — in-process (one replica, no
 * REDIS_URL) and with Redis (two replicas, a local redis-server). The app is the real entry
 * (dist/src/start.js) against the GitHub-shaped fake of the replica tests, all on loopback.
 * Run after `npm run build`: `node bench/webhook-ack.mjs` (needs redis-server on PATH);
 * BENCH_PARALLEL=1 sends one delivery at a time (default 10 at a time).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
// The test support is TypeScript; bundle it once (same depth below the root as test/queue/).
const out = join(root, 'dist', 'bench-support');
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { cluster: 'test/queue/cluster.ts', 'fake-github': 'test/queue/fake-github.ts', scenario: 'test/queue/scenario.ts' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  logLevel: 'warning',
  plugins: [{
    name: 'node-modules-external',
    setup(b) {
      // Packages load from node_modules at run time; only the JSON examples are bundled.
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path === '@octokit/webhooks-examples' ? undefined : { path: args.path, external: true }));
    },
  }],
});
const load = (name) => import(pathToFileURL(join(out, `${name}.mjs`)).href);
const { deliver, Replica, startRedis, until } = await load('cluster');
const { FakeGitHub } = await load('fake-github');
const { merge, openPull, pullRequestDelivery, pushDelivery, seedEstate, at } = await load('scenario');

const BURST = 100;
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 10);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(mode) {
  const fake = new FakeGitHub();
  const replicaCount = mode === 'redis' ? 2 : 1;
  await fake.start(replicaCount);
  const redis = mode === 'redis' ? await startRedis() : undefined;
  const replicas = [];
  try {
    for (let i = 0; i < replicaCount; i++) replicas.push(await Replica.start({ githubPort: fake.ports[i], ...(redis ? { redisUrl: redis.url } : {}) }));
    const main = seedEstate(fake);
    const numbers = Array.from({ length: 20 }, (_, i) => i + 1);
    const heads = new Map(numbers.map((n) => [n, openPull(fake, main, n, BURST / numbers.length)]));
    const deliveries = numbers.flatMap((n) => heads.get(n).map((sha, i) => pullRequestDelivery(fake, i === 0 ? 'opened' : 'synchronize', n, sha, at(i + 1))));
    const burst = async (list) => {
      const times = [];
      const statuses = new Set();
      let next = 0;
      await Promise.all(Array.from({ length: PARALLEL }, async () => {
        while (next < list.length) {
          const i = next++;
          const { status, ms } = await deliver(replicas[i % replicas.length].port, list[i]);
          statuses.add(status);
          times.push(ms);
        }
      }));
      times.sort((a, b) => a - b);
      return `p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times.at(-1).toFixed(1)} ms  status ${[...statuses].join(',')}`;
    };

    // for comparison: the first ten deliveries after start (cold: first connections, first compilation), then wait until they are evaluated
    const idle = await burst(numbers.slice(0, 10).flatMap((n) => [pullRequestDelivery(fake, 'opened', n, heads.get(n)[0], at(0))]));
    await until('the idle burst processed', () => fake.checkRuns.length >= 20, 120_000);

    // the first publication of the estate (every rendered branch is new): wait until it is writing
    const merged = merge(fake, main, 2);
    await deliver(replicas[0].port, pushDelivery(main, merged.sha));
    await until('the publication to start', () => fake.requests.some((r) => r.operationId === 'git/get-ref'), 60_000);

    const during = await burst(deliveries);
    const publishing = !fake.requests.some((r) => r.operationId === 'repos/create-deployment-status');
    const line = `${mode.padEnd(10)} ${replicaCount} replica(s), ${PARALLEL} deliveries at a time\n  first 10 deliveries after start (cold):   ${idle}\n  ${BURST} deliveries during a publication:  ${during}${publishing ? '  (publication still running at the end)' : ''}`;
    console.log(line);
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await fake.stop();
    await redis?.stop();
  }
}

await run('in-process');
await run('redis');
