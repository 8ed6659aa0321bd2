#!/usr/bin/env node
/**
 * Webhook acknowledgement: p50/p99/max of the time until the app answers GitHub's deliveries
 * while a first publication runs. Three set-ups, all on loopback:
 *   in-process   one replica, no REDIS_URL (the embedded default of `npm start`)
 *   redis        two replicas (FREIGABE_ROLE=all) on a local redis-server
 *   redis-split  two webhooks-only replicas (FREIGABE_ROLE=webhooks) receive the deliveries,
 *                one replica with FREIGABE_ROLE=all runs the jobs
 * The app is the real entry (dist/src/start.js) against the GitHub-shaped fake of the replica
 * tests. Pull-request deliveries for 20 pull requests go out at a fixed rate (open loop, from a
 * worker thread, so the fake's own work does not delay the sender's clock) from the moment the
 * publication reads its archive until its last stage is written, at most 60 s; each one's time
 * counts from when it was due. Run after `npm run build`:
 *   node bench/webhook-ack.mjs [--mode in-process|redis|redis-split] [--fachverfahren N]
 * (needs redis-server on PATH). --fachverfahren N serves the synthetic estate of
 * bench/generate-estate.mjs instead of the small test estate, so the publication is large;
 * BENCH_RATE sets the deliveries a second (default 50).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
// The test support is TypeScript; bundle it once (same depth below the root as test/queue/).
const out = join(root, 'dist', 'bench-support');
mkdirSync(out, { recursive: true });
if (isMainThread) await build({
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

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

if (!isMainThread) {
  // The sender: its own event loop, so only the app's answer (and the machine's two cores) set the
  // times. Open loop: deliveries go out at a fixed rate whether or not the earlier ones were
  // answered, and each one's time counts from when it was due — a replica that stalls for a
  // second delays every delivery due in that second, as it would GitHub's (no coordinated
  // omission). With `repeat`, the deliveries go out round after round (fresh delivery ids)
  // until the main thread says stop.
  const { ports, deliveries, rate, repeat } = workerData;
  let stopped = !repeat;
  parentPort.on('message', () => (stopped = true));
  const times = [];
  const statuses = new Map();
  const inFlight = [];
  const interval = 1000 / rate;
  const begin = performance.now();
  for (let n = 0; n < deliveries.length || !stopped; n++) {
    const due = begin + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const round = Math.floor(n / deliveries.length);
    const d = deliveries[n % deliveries.length];
    const delivery = round === 0 ? d : { ...d, id: `${d.id}-r${round}` };
    inFlight.push(
      deliver(ports[n % ports.length], delivery).then(
        ({ status }) => status,
        // A reset or refused connection is a delivery GitHub would count as failed.
        (error) => `error (${error.code ?? error.message})`,
      ).then((status) => {
        times.push(performance.now() - due);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
    );
    if (!repeat && n + 1 >= deliveries.length) break;
  }
  await Promise.all(inFlight);
  parentPort.postMessage({ times, statuses: [...statuses] });
  parentPort.close();
} else {
  const { FakeGitHub } = await load('fake-github');
  const { merge, openPull, pullRequestDelivery, pushDelivery, seedEstate, at } = await load('scenario');
  const { estateFiles } = await import('./generate-estate.mjs');

  const BURST = 100;
  /** Deliveries a second (open loop). */
  const RATE = Number(process.env.BENCH_RATE ?? 50);
  /** How long deliveries keep coming once the publication started (or until it finished). */
  const WINDOW_MS = 60_000;
  const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const only = arg('--mode');
  const fachverfahren = arg('--fachverfahren') ? Number(arg('--fachverfahren')) : undefined;
  const SETUPS = {
    'in-process': { front: 1, workers: 0, redis: false },
    redis: { front: 2, workers: 0, redis: true },
    'redis-split': { front: 2, workers: 1, redis: true },
  };

  const summary = (times, statuses) => {
    times.sort((a, b) => a - b);
    const answers = statuses.map(([status, count]) => `${count}× ${status}`).join(', ');
    return `${String(times.length).padStart(5)} deliveries  p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times.at(-1).toFixed(1)} ms  (${answers})`;
  };
  /** Sends the deliveries once, or (with `whileWaiting`) round after round until it resolves. */
  const send = (ports, deliveries, whileWaiting) =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { ports, deliveries, rate: RATE, repeat: Boolean(whileWaiting) } });
      w.once('message', ({ times, statuses }) => resolve(summary(times, statuses)));
      w.once('error', reject);
      whileWaiting?.then(() => w.postMessage('stop'), (error) => (w.postMessage('stop'), reject(error)));
    });

  const step = (what) => process.env.BENCH_DEBUG && console.error(new Date().toISOString(), what);
  const logs = mkdtempSync(join(tmpdir(), 'freigabe-webhook-ack-'));
  console.log(`replica logs: ${logs}`);

  async function run(mode) {
    const setup = SETUPS[mode];
    const fake = new FakeGitHub();
    await fake.start(setup.front + setup.workers);
    const redis = setup.redis ? await startRedis() : undefined;
    const replicas = [];
    try {
      for (let i = 0; i < setup.front + setup.workers; i++) {
        const env = setup.workers > 0 && i < setup.front ? { FREIGABE_ROLE: 'webhooks' } : {};
        // Logs go to files: a pipe to this (busy) process would slow the replicas down.
        replicas.push(await Replica.start({ githubPort: fake.ports[i], env, logFile: join(logs, `${mode}-${i}.log`), ...(redis ? { redisUrl: redis.url } : {}) }));
      }
      const ports = replicas.slice(0, setup.front).map((r) => r.port);
      const files = fachverfahren ? estateFiles(fachverfahren) : undefined;
      const main = files ? fake.commitFiles(files, [], 'estate', 'main') : seedEstate(fake);
      const numbers = Array.from({ length: 20 }, (_, i) => i + 1);
      const heads = new Map(numbers.map((n) => [n, openPull(fake, main, n, BURST / numbers.length, ...(files ? [files] : []))]));
      const deliveries = numbers.flatMap((n) => heads.get(n).map((sha, i) => pullRequestDelivery(fake, i === 0 ? 'opened' : 'synchronize', n, sha, at(i + 1))));

      // for comparison: the first ten deliveries after start (cold: first connections, first compilation), then wait until they are evaluated
      step('idle burst');
      const idle = await send(ports, numbers.slice(0, 10).map((n) => pullRequestDelivery(fake, 'opened', n, heads.get(n)[0], at(0))));
      await until('the idle burst processed', () => fake.checkRuns.length >= 20, 600_000);

      // the first publication of the estate (every rendered branch is new): wait until its archive is read
      const merged = files ? { sha: fake.commitFiles({ ...files, 'README.md': '# merged\n' }, [main], 'merge', 'main') } : merge(fake, main, 2);
      step('merge');
      await deliver(ports[0], pushDelivery(main, merged.sha));
      await until('the publication to start', () => fake.requests.some((r) => r.operationId === 'repos/download-tarball-archive' && decodeURIComponent(r.path).endsWith(merged.sha)), 120_000);

      // deliveries round after round (fresh ids) until every stage is published
      const finished = () => fake.publicationsOf('rendered/produktion', merged.sha) >= 1;
      const window = Promise.race([until('the publication to finish', finished, WINDOW_MS + 60_000), new Promise((r) => setTimeout(r, WINDOW_MS))]);
      step('burst during the publication');
      const progress = process.env.BENCH_DEBUG ? setInterval(() => step(`requests ${fake.requests.length}, writes ${fake.requests.filter((r) => r.method !== 'GET').length}, rendered/produktion commits ${fake.history('rendered/produktion').length}`), 10_000) : undefined;
      const started = performance.now();
      const during = await send(ports, deliveries, window);
      clearInterval(progress);
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      const estate = fachverfahren ? `${fachverfahren} Fachverfahren` : 'test estate';
      const roles = setup.workers > 0 ? `${setup.front} webhooks-only + ${setup.workers} worker replica(s)` : `${setup.front} replica(s)`;
      console.log(`${mode.padEnd(11)} ${roles}, ${estate}, ${RATE} deliveries a second\n  first 10 deliveries after start (cold):  ${idle}\n  during the first publication (${seconds} s): ${during}${finished() ? '' : '  (publication still running at the end)'}`);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await fake.stop();
      await redis?.stop();
    }
  }

  for (const mode of Object.keys(SETUPS)) if (!only || only === mode) await run(mode);
}
