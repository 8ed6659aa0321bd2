#!/usr/bin/env node
/**
 * The plan as the GitHub app runs it: in one long-lived process, snapshots already in memory
 * (the app caches tarballs by SHA), parsed documents kept per repository between evaluations
 * (src/github/platform/parse-caches.ts). Complements bench/plan.mjs, whose figures are whole processes.
 *
 *   npm run build && node bench/plan-in-process.mjs [--n 1000] [--runs 5]
 *
 * Measured per N, median of RUNS after one warm-up:
 *   full plan          base = empty estate, head = whole estate (everything rendered and diffed)
 *   one FV, cold       base = HEAD~1, head = HEAD (one Fachverfahren changed), fresh parse cache
 *   one FV, warm       the same with the repository's parse cache from the previous evaluation
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEstate } from './generate-estate.mjs';
import { timeMedian } from './timing.mjs';

const dist = join(import.meta.dirname, '..', 'dist', 'src');
const { plan } = await import(join(dist, 'core', 'plan.js'));
const { snapshotOf } = await import(join(dist, 'core', 'snapshot.js'));
const { readGitSnapshots } = await import(join(dist, 'cli', 'read-git.js'));

const { values } = parseArgs({ options: { n: { type: 'string', multiple: true }, runs: { type: 'string' } } });
const sizes = (values.n ?? ['100', '1000']).map(Number);
const RUNS = Number(values.runs ?? 5);
const TODAY = '2026-11-28';

const time = (fn) => timeMedian(fn, RUNS);

console.log(`freigabe in-process plan: ${RUNS} runs each after one warm-up, median; node ${process.version}`);
console.log('N     full plan   one FV cold   one FV warm   warm / full');
for (const n of sizes) {
  const repo = generateEstate(n);
  const [base, head] = readGitSnapshots(repo, ['HEAD~1', 'HEAD'], 'en').map((r) => r.snapshot);
  const empty = snapshotOf({});
  const full = time(() => plan({ base: empty, head, today: TODAY }));
  const cold = time(() => plan({ base, head, today: TODAY }));
  const cache = new Map();
  plan({ base, head, today: TODAY, parseCache: cache }); // the evaluation before this one
  const warm = time(() => plan({ base, head, today: TODAY, parseCache: cache }));
  const f = (ms) => `${(ms / 1000).toFixed(3)} s`.padStart(11);
  console.log(`${String(n).padEnd(5)} ${f(full)}   ${f(cold)}   ${f(warm)}   ${((warm / full) * 100).toFixed(1).padStart(6)} %`);
}
