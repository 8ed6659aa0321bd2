#!/usr/bin/env node
/**
 * What platform.yaml's network and rollout settings cost the renderer: the example estate
 * rendered as it is (Gateway API, restricted egress, surge headroom) and with each setting taken
 * out, interleaved rounds, CPU time of this process (not wall time: the machine is shared).
 *
 *   npm run build && node bench/render-network.mjs [--rounds 12]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'src', 'core');
const { loadEstate } = await import(join(dist, 'load.js'));
const { snapshotOf } = await import(join(dist, 'snapshot.js'));
const { renderEstate } = await import(join(dist, 'render.js'));
const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 12);
const PER_ROUND = 4;

const files = {};
const walk = (dir) => {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else files[relative(root, p)] = readFileSync(p, 'utf8');
  }
};
walk(join(root, 'environments'));
const platform = files['environments/platform.yaml'];
const withPlatform = (text) => ({ ...files, 'environments/platform.yaml': text });
const allNormal = (f) => Object.fromEntries(Object.entries(f).map(([p, t]) => [p, p.endsWith('/verfahren.yaml') ? t.replace(/schutzbedarf: .*/, 'schutzbedarf: normal') : t]));
const variants = [
  ['example estate', files],
  ['  traffic: ingress everywhere', withPlatform(platform.replace(/    traffic:\n      gateway:[\s\S]*?(?=    egress:)/, ''))],
  // hoch and sehr-hoch are always restricted: egress is open only where every Fachverfahren is normal.
  ['  egress: open (all normal)', allNormal(withPlatform(platform.replace(/    egress:[\s\S]*?(?=  stages:)/, '')))],
  ['  none of network and rollout', withPlatform(platform.replace(/  network:[\s\S]*?(?=  stages:)/, '').replace(/      network:\n        traffic:\n.*\n/, '').replace(/      rollout: .*\n/, ''))],
].map(([name, f]) => ({ name, estate: loadEstate({ snapshot: snapshotOf(f) }).value, cpu: 0 }));

for (const v of variants) {
  v.files = renderEstate({ estate: v.estate }).files.size; // warm-up, and the first HTTPRoute compiles its schema
  if (v.files === 0) throw new Error(`${v.name.trim()}: nothing rendered (the edited platform.yaml does not load)`);
}
// Each round starts with another variant: whichever runs first pays the collector for the last.
for (let round = 0; round < ROUNDS; round++) {
  for (const v of [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)]) {
    const start = process.cpuUsage();
    for (let i = 0; i < PER_ROUND; i++) renderEstate({ estate: v.estate });
    const used = process.cpuUsage(start);
    v.cpu += (used.user + used.system) / 1000;
  }
}
for (const v of variants) console.log(`${v.name.padEnd(32)} ${String(v.files).padStart(4)} files  ${(v.cpu / (ROUNDS * PER_ROUND)).toFixed(1).padStart(6)} ms CPU per render`);
