#!/usr/bin/env node
/**
 * What `freigabe plan --base-ref HEAD~1` reads before it computes anything: the base commit
 * (git ls-tree + cat-file) and the working tree. Prints the milliseconds of that reading alone,
 * in this fresh process, as JSON. Used by bench/plan.mjs for the fixed costs of a plan.
 *
 *   node bench/read-states.mjs REPO
 */
import { join } from 'node:path';

const repo = process.argv[2];
const { readSources } = await import(join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'sources.js'));
const io = { stdout: () => {}, stderr: () => {}, isTTY: false, cwd: repo, env: process.env, now: () => new Date() };
const t0 = performance.now();
const [base, head] = readSources([{ ref: 'HEAD~1' }, { dir: repo }], repo, io, 'en');
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, files: base.files.size + head.files.size }));
