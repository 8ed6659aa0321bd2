#!/usr/bin/env node
/**
 * Benchmark of the freigabe CLI as separate processes (whole-process figures: node start,
 * reading, parsing, rendering, output), on synthetic estates of N Fachverfahren × 4 stages
 * (bench/generate-estate.mjs). For each N and command: RUNS runs, median wall time and median
 * peak RSS (GNU time's %M where available, else process.resourceUsage() of a wrapper child).
 *
 *   npm run bench                       # N = 100 and 1000, 5 runs each
 *   node bench/plan.mjs --n 1000 --runs 3
 *
 * Commands measured:
 *   validate        freigabe validate
 *   render --out    freigabe render --out <tmp>
 *   plan (full)     freigabe plan --base <empty dir>   (no estate → whole estate: everything new)
 *   plan (one FV)   freigabe plan --base-ref HEAD~1    (the last commit touches one Fachverfahren)
 * JSON output is used (written to /dev/null by the child), as a tool or the GitHub app would.
 *
 * Targets (issue 2): full plan of 1000 in ≤ 2 s and ≤ 300 MB; one-FV plan ≤ 10 % of the full plan.
 *
 * Fixed costs, printed after the table, are what every such process pays before it computes
 * anything: starting Node, loading the CLI (`freigabe --help`), and reading the two states of
 * the one-FV plan (bench/read-states.mjs). Their sum bounds the one-FV plan from below.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEstate } from './generate-estate.mjs';

const BIN = join(import.meta.dirname, '..', 'bin', 'freigabe.js');
const GNU_TIME = '/usr/bin/time';

const { values } = parseArgs({ options: { n: { type: 'string', multiple: true }, runs: { type: 'string' } } });
const sizes = (values.n ?? ['100', '1000']).map(Number);
const RUNS = Number(values.runs ?? 5);

if (!existsSync(join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` (npm run bench does)');
  process.exit(2);
}
const hasGnuTime = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/** Fallback for peak RSS: run the CLI in a wrapper child that reports its own maxRSS at exit. */
const WRAPPER = `
const bin = process.argv[1];
process.argv = [process.argv[0], bin, ...process.argv.slice(2)];
process.on('exit', () => require('node:fs').writeSync(2, '\\nFREIGABE-MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
import(require('node:url').pathToFileURL(bin).href);
`;

function runOnce(args, cwd) {
  const start = process.hrtime.bigint();
  const r = hasGnuTime
    ? spawnSync(GNU_TIME, ['-f', 'FREIGABE-MAXRSS %M', process.execPath, BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(process.execPath, ['-e', WRAPPER, BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const m = /FREIGABE-MAXRSS (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 && r.status !== 1) throw new Error(`freigabe ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, rssMB: m ? Number(m[1]) / 1024 : NaN, code: r.status };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function measure(label, args, cwd) {
  runOnce(args, cwd); // warm the file cache
  const runs = Array.from({ length: RUNS }, () => runOnce(args, cwd));
  return { label, ms: median(runs.map((r) => r.ms)), rssMB: median(runs.map((r) => r.rssMB)), code: runs[0].code };
}

const scratch = mkdtempSync(join(tmpdir(), 'freigabe-bench-'));
const empty = join(scratch, 'empty');
mkdirSync(empty);
const rows = [];
try {
  for (const n of sizes) {
    const repo = generateEstate(n);
    let out = 0;
    const renderArgs = () => ['render', '--out', join(scratch, `out-${n}-${out++}`), '--format', 'json'];
    const results = [
      measure('validate', ['validate', '--format', 'json'], repo),
      // a fresh output directory per run, so every run writes everything
      (() => {
        runOnce(renderArgs(), repo);
        const runs = Array.from({ length: RUNS }, () => runOnce(renderArgs(), repo));
        return { label: 'render --out', ms: median(runs.map((r) => r.ms)), rssMB: median(runs.map((r) => r.rssMB)), code: runs[0].code };
      })(),
      measure('plan (full: empty base)', ['plan', '--base', empty, '--format', 'json'], repo),
      measure('plan (one FV: --base-ref HEAD~1)', ['plan', '--base-ref', 'HEAD~1', '--format', 'json'], repo),
    ];
    const full = results[2].ms;
    for (const r of results) rows.push({ n, ...r, share: r.label.startsWith('plan (one') ? `${((r.ms / full) * 100).toFixed(1)} % of full` : '' });
  }
} catch (error) {
  rmSync(scratch, { recursive: true, force: true });
  throw error;
}

// Fixed costs of a process, on the largest estate.
const fixed = (() => {
  const repo = generateEstate(Math.max(...sizes));
  const timeOf = (args) => {
    spawnSync(process.execPath, args, { cwd: repo, stdio: 'ignore' });
    return median(
      Array.from({ length: RUNS }, () => {
        const start = process.hrtime.bigint();
        spawnSync(process.execPath, args, { cwd: repo, stdio: 'ignore' });
        return Number(process.hrtime.bigint() - start) / 1e6;
      }),
    );
  };
  const readMs = median(
    Array.from({ length: RUNS + 1 }, () => {
      const r = spawnSync(process.execPath, [join(import.meta.dirname, 'read-states.mjs'), repo], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`read-states failed: ${r.stderr}`);
      return JSON.parse(r.stdout).ms;
    }).slice(1),
  );
  return { n: Math.max(...sizes), node: timeOf(['-e', '0']), cli: timeOf([BIN, '--help']), read: readMs };
})();
rmSync(scratch, { recursive: true, force: true });

const header = ['N', 'command', 'median wall', 'peak RSS', 'exit', ''];
const table = rows.map((r) => [String(r.n), r.label, `${(r.ms / 1000).toFixed(2)} s`, `${r.rssMB.toFixed(0)} MB`, String(r.code), r.share]);
const width = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
console.log(`freigabe bench: ${RUNS} runs each, median; node ${process.version}; ${hasGnuTime ? 'GNU time %M' : 'process.resourceUsage'} for peak RSS`);
console.log(line(header));
console.log(width.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line(t));
const big = rows.filter((r) => r.n === Math.max(...sizes));
const full = big.find((r) => r.label.startsWith('plan (full'));
const one = big.find((r) => r.label.startsWith('plan (one'));
if (full && one) {
  console.log(
    `\ntargets for N = ${full.n}: full plan ${(full.ms / 1000).toFixed(2)} s (≤ 2 s: ${full.ms <= 2000 ? 'met' : 'NOT met'}), ` +
      `${full.rssMB.toFixed(0)} MB (≤ 300 MB: ${full.rssMB <= 300 ? 'met' : 'NOT met'}); ` +
      `one-FV plan ${((one.ms / full.ms) * 100).toFixed(1)} % of full (≤ 10 %: ${one.ms <= full.ms * 0.1 ? 'met' : 'NOT met'})`,
  );
}
const floor = fixed.cli + fixed.read;
console.log(
  `\nfixed costs (N = ${fixed.n}, medians): node start ${fixed.node.toFixed(0)} ms; node + CLI loaded (freigabe --help) ${fixed.cli.toFixed(0)} ms; ` +
    `reading HEAD~1 and the working tree ${fixed.read.toFixed(0)} ms\n` +
    `lower bound of a one-FV plan process (CLI start + reading): ${floor.toFixed(0)} ms` +
    (full ? ` = ${((floor / full.ms) * 100).toFixed(1)} % of this full plan, ${((floor / 2000) * 100).toFixed(1)} % of a 2 s full plan` : ''),
);
