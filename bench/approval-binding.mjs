#!/usr/bin/env node
/**
 * What binding approvals to their content costs the app per evaluation: the plan of a pull
 * request that changes one Fachverfahren, decided over one approval on the head, against the
 * same with the approval on an older commit whose content is compared (the reviewed snapshot
 * already in memory, as the app's snapshot cache holds it; the parse cache warm).
 *
 *   npm run build && node bench/approval-binding.mjs [--n 1000] [--runs 5]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEstate } from './generate-estate.mjs';
import { timeMedian } from './timing.mjs';

const dist = join(import.meta.dirname, '..', 'dist', 'src');
const { plan } = await import(join(dist, 'core', 'plan.js'));
const { readGitSnapshots } = await import(join(dist, 'cli', 'read-git.js'));

const { values } = parseArgs({ options: { n: { type: 'string', multiple: true }, runs: { type: 'string' } } });
const sizes = (values.n ?? ['100', '1000']).map(Number);
const RUNS = Number(values.runs ?? 5);
const TODAY = '2026-11-28';
const HEAD = 'a'.repeat(40);
const OLDER = 'b'.repeat(40);

const time = (fn) => timeMedian(fn, RUNS);
const review = (sha) => ({ user: { login: 'reviewer', type: 'User' }, state: 'APPROVED', commit_id: sha, submitted_at: '2026-11-28T09:00:00Z' });

console.log(`freigabe approval binding: ${RUNS} runs each after one warm-up, median; node ${process.version}`);
console.log('N     head approval   older approval (content compared)   extra');
for (const n of sizes) {
  const repo = generateEstate(n);
  const [base, head] = readGitSnapshots(repo, ['HEAD~1', 'HEAD'], 'en').map((r) => r.snapshot);
  const cache = new Map();
  const input = { base, head, today: TODAY, parseCache: cache, manifests: false };
  const onHead = time(() => plan({ ...input, review: { author: 'author', headSha: HEAD, reviews: [review(HEAD)] } }));
  const reviewed = new Map([[OLDER, { files: new Map(head.files) }]]);
  const older = time(() => plan({ ...input, review: { author: 'author', headSha: HEAD, reviews: [review(OLDER)], reviewed } }));
  const f = (ms) => `${ms.toFixed(1)} ms`;
  console.log(`${String(n).padEnd(5)} ${f(onHead).padStart(13)}   ${f(older).padStart(33)}   ${f(older - onHead).padStart(8)}`);
}
