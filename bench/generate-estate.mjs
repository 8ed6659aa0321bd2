#!/usr/bin/env node
/**
 * A synthetic estate for the benchmark: N Fachverfahren × 4 stages, spread over ⌈N/10⌉
 * tenants with enough Kontingent, each booking with several components (web with ingress,
 * api, worker, and a database with volumes), images from the internal registry pinned by
 * digest. Written as a git repository with two commits: the second touches ONE Fachverfahren
 * (a new digest in Vorprüfung and one more replica in Produktion).
 *
 *   node bench/generate-estate.mjs N [DIR]     (default DIR: bench/.estates/n<N>)
 *
 * Deterministic: the same N gives the same files and the same commits.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const STAGES = [
  { name: 'vorpruefung', title: 'Vorprüfung', approval: 'none', registries: ['internal', 'external'], schutzniveau: 'hoch' },
  { name: 'abnahme', title: 'Abnahme', approval: 'verfahrensverantwortliche', registries: ['internal'], schutzniveau: 'hoch' },
  { name: 'schulung', title: 'Schulung', approval: 'verfahrensverantwortliche', registries: ['internal'], schutzniveau: 'hoch' },
  { name: 'produktion', title: 'Produktion', approval: 'verfahrensverantwortliche', registries: ['internal'], schutzniveau: 'hoch' },
];

const digest = (seed) => createHash('sha256').update(seed).digest('hex');
const image = (fv, comp, version) => `registry.bench.example/${fv}/${comp}@sha256:${digest(`${fv}/${comp}:${version}`)}`;
const pad = (n, width) => String(n).padStart(width, '0');

function platform() {
  const stages = STAGES.map(
    (s) => `    - name: ${s.name}
      title: ${s.title}
      approval: ${s.approval}
      registries: [${s.registries.join(', ')}]
      cluster:
        name: caas-${s.name}
        server: https://api.caas-${s.name}.bench.example:6443
        hoheitsgebiet: DE
        schutzniveau: ${s.schutzniveau}
        shared: true`,
  );
  return `apiVersion: freigabe/v1
kind: Platform
metadata:
  name: bench-plattform
spec:
  approvers: ["@bench/plattform"]
  registries:
    internal: [registry.bench.example]
    external: [ghcr.io]
  sizes:
    S: { cpu: 250m, memory: 512Mi, pricePerMonth: "15.00" }
    M: { cpu: "1", memory: 2Gi, pricePerMonth: "45.00" }
    L: { cpu: "2", memory: 4Gi, pricePerMonth: "90.00" }
  storageClasses:
    standard: { pricePerGiBMonth: "0.08" }
    encrypted: { pricePerGiBMonth: "0.12" }
  stages:
${stages.join('\n')}
`;
}

function tenant(name, fvCount) {
  // Per Fachverfahren and all stages about 12 cores, 24 GiB, 250 GiB, 700 EUR; double that as headroom.
  return `apiVersion: freigabe/v1
kind: Tenant
metadata:
  name: ${name}
spec:
  title: Bezirksamt ${name}
  approvers: ["@${name}/it-leitung"]
  kontingent:
    cpu: "${fvCount * 30}"
    memory: ${fvCount * 60}Gi
    storage: ${fvCount * 600}Gi
    budgetPerMonth: "${fvCount * 2000}.00"
`;
}

function verfahren(name, tenantName, i) {
  return `apiVersion: freigabe/v1
kind: Verfahren
metadata:
  name: ${name}
spec:
  title: Fachverfahren ${i}
  tenant: ${tenantName}
  verfahrensverantwortliche: [vv-${name}]
  vertretung:
    - { login: vertretung-${name}, until: 2030-12-31 }
  systempfleger: ["@${tenantName}/betrieb"]
  schutzbedarf: ${i % 3 === 0 ? 'hoch' : 'normal'}
`;
}

function booking(name, stage, version, extraReplicas = 0) {
  const prod = stage === 'produktion';
  const replicas = (n) => n + (prod ? 1 : 0);
  return `apiVersion: freigabe/v1
kind: Booking
metadata:
  name: ${name}
  stage: ${stage}
spec:
  components:
    - name: web
      image: ${image(name, 'web', version)}
      size: S
      replicas: ${replicas(2) + extraReplicas}
      port: 8080
      ingress: { host: ${name}.${stage}.bench.example }
      env: { LOG_LEVEL: info, TZ: Europe/Berlin }
    - name: api
      image: ${image(name, 'api', version)}
      size: M
      replicas: ${replicas(1)}
      port: 8081
      env: { LOG_LEVEL: info, DB_HOST: ${name}-db }
      secretRefs: [${name}-api-db]
    - name: worker
      image: ${image(name, 'worker', version)}
      size: S
      replicas: 1
    - name: db
      image: ${image('plattform', 'postgresql', '16.4')}
      size: M
      replicas: 1
      port: 5432
      secretRefs: [${name}-db]
      volumes:
        - { name: data, size: ${prod ? 50 : 20}Gi, class: encrypted, mountPath: /var/lib/postgresql/data }
        - { name: backup, size: 10Gi, class: standard, mountPath: /backup }
`;
}

/** Writes the estate of N Fachverfahren; `touched` changes one of them (the second commit). */
/** The estate's files as a record (path → text), for the benches that serve it from a fake GitHub. */
export function estateFiles(n, touched = false) {
  return Object.fromEntries(files(n, touched));
}

function files(n, touched) {
  const out = new Map();
  const width = String(n).length;
  const tenants = Math.max(1, Math.ceil(n / 10));
  out.set('environments/platform.yaml', platform());
  for (let t = 0; t < tenants; t++) {
    const count = Math.min(10, n - t * 10);
    out.set(`environments/tenants/amt-${pad(t, width)}.yaml`, tenant(`amt-${pad(t, width)}`, count));
  }
  for (let i = 0; i < n; i++) {
    const name = `fv-${pad(i, width)}`;
    const tenantName = `amt-${pad(Math.floor(i / 10), width)}`;
    const change = touched && i === Math.floor(n / 2);
    out.set(`environments/verfahren/${name}/verfahren.yaml`, verfahren(name, tenantName, i));
    for (const s of STAGES) {
      // the touched Fachverfahren: a new release enters Vorprüfung, Produktion gets one more web replica
      const version = change && s.name === 'vorpruefung' ? '2.0.0' : '1.0.0';
      out.set(`environments/verfahren/${name}/${s.name}.yaml`, booking(name, s.name, version, change && s.name === 'produktion' ? 1 : 0));
    }
  }
  out.set('README.md', `# Synthetic estate: ${n} Fachverfahren × ${STAGES.length} stages\n`);
  return out;
}

function write(dir, map) {
  rmSync(join(dir, 'environments'), { recursive: true, force: true });
  for (const [path, text] of map) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = (dir, args) => execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });

/** Generates the repository; returns its path. */
export function generateEstate(n, dir = join(import.meta.dirname, '.estates', `n${n}`)) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  write(dir, files(n, false));
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', `estate of ${n} Fachverfahren`]);
  write(dir, files(n, true));
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'one Fachverfahren: new release in Vorprüfung, one more replica in Produktion']);
  // Packed, as in any cloned repository; loose objects would make git, not freigabe, the bottleneck.
  git(dir, ['repack', '-adq']);
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error('usage: node bench/generate-estate.mjs N [DIR]');
    process.exit(2);
  }
  console.log(generateEstate(n, process.argv[3]));
}
