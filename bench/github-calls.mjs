#!/usr/bin/env node
/**
 * Counts the GitHub API calls of one pull-request evaluation for an estate of 10 and of
 * 1,000 Fachverfahren. The pull request promotes one Fachverfahren to Abnahme; GitHub is
 * simulated with nock (no network). Not counted: the installation token (cached by Probot
 * for an hour). Writes and their time: bench/github-budget.mjs. Run after `npm run build`:
 * `node bench/github-calls.mjs`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { pack } from 'tar-stream';
import { freigabeApp } from '../dist/src/github/app.js';
import { createQueue } from '../dist/src/github/queue/index.js';
import { LruSnapshotCache } from '../dist/src/github/platform/snapshot-cache.js';

const OWNER = 'itdz';
const REPO = 'estate';
const NUMBER = 7;
const BASE_SHA = 'b'.repeat(40);
const HEAD_SHA = 'c'.repeat(40);
const V1 = `sha256:${'1'.repeat(64)}`;
const V2 = `sha256:${'2'.repeat(64)}`;

const PLATFORM = `apiVersion: freigabe/v1
kind: Platform
metadata: { name: itdz-berlin }
spec:
  approvers: [p-admin]
  registries: { internal: [registry.itdz.example], external: [ghcr.io] }
  sizes:
    S: { cpu: 250m, memory: 512Mi, pricePerMonth: 15.00 }
  storageClasses:
    standard: { pricePerGiBMonth: 0.08 }
  stages:
    - { name: vorpruefung, title: Vorprüfung, approval: none, registries: [internal, external], cluster: { name: a, server: https://a.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: true } }
    - { name: abnahme, title: Abnahme, approval: verfahrensverantwortliche, registries: [internal], cluster: { name: b, server: https://b.example, hoheitsgebiet: DE, schutzniveau: hoch, shared: true } }
`;
const TENANT = `apiVersion: freigabe/v1
kind: Tenant
metadata: { name: bezirksamt-mitte }
spec:
  title: Bezirksamt Mitte
  approvers: [t-leitung]
  kontingent: { cpu: "100000", memory: 100000Gi, storage: 100000Gi, budgetPerMonth: 10000000.00 }
`;
const verfahren = (n) => `apiVersion: freigabe/v1
kind: Verfahren
metadata: { name: ${n} }
spec: { title: ${n}, tenant: bezirksamt-mitte, verfahrensverantwortliche: [m-schulz], schutzbedarf: hoch }
`;
const booking = (n, stage, digest) => `apiVersion: freigabe/v1
kind: Booking
metadata: { name: ${n}, stage: ${stage} }
spec:
  components:
    - { name: web, image: "registry.itdz.example/${n}/web@${digest}", size: S, replicas: 1, port: 8080 }
`;

function estate(count, promote) {
  const files = { 'environments/platform.yaml': PLATFORM, 'environments/tenants/bezirksamt-mitte.yaml': TENANT };
  for (let i = 0; i < count; i++) {
    const n = `verfahren-${i}`;
    files[`environments/verfahren/${n}/verfahren.yaml`] = verfahren(n);
    files[`environments/verfahren/${n}/vorpruefung.yaml`] = booking(n, 'vorpruefung', V2);
    files[`environments/verfahren/${n}/abnahme.yaml`] = booking(n, 'abnahme', promote && i === 0 ? V2 : V1);
  }
  return files;
}

async function tarball(prefix, files) {
  const p = pack();
  const chunks = [];
  p.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve) => p.on('end', resolve));
  for (const [name, content] of Object.entries(files)) {
    await new Promise((resolve, reject) => p.entry({ name: `${prefix}/${name}` }, Buffer.from(content), (e) => (e ? reject(e) : resolve())));
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

/** A stand-in for api.github.com that answers every call one evaluation makes, and counts them. */
function simulateGitHub(archives) {
  const calls = [];
  const comments = [];
  const json = (status, body) => [status, JSON.stringify(body), { 'content-type': 'application/json' }];
  const api = nock('https://api.github.com').persist();
  const record = (method) =>
    function (uri, body) {
      const path = uri.split('?')[0];
      if (!path.endsWith('/access_tokens')) calls.push(`${method} ${path}`);
      if (path.endsWith('/access_tokens')) return json(201, { token: 'ghs_bench', expires_at: '2099-01-01T00:00:00Z' });
      const tar = /\/tarball\/(\w+)$/.exec(path);
      if (tar) return [302, '', { location: `https://codeload.github.com/${OWNER}/${REPO}/legacy.tar.gz/${tar[1]}` }];
      if (path.endsWith('/comments') && method === 'GET') return json(200, comments);
      if (path.endsWith('/comments') && method === 'POST') {
        const c = { id: comments.length + 1, body: body.body, html_url: 'https://github.com/x#c', user: { login: 'freigabe[bot]', type: 'Bot' } };
        comments.push(c);
        return json(201, c);
      }
      if (/\/issues\/comments\/\d+$/.test(path)) return json(200, { ...comments[0], body: body.body });
      if (path.endsWith('/check-runs') && method === 'GET') return json(200, { total_count: 0, check_runs: [] });
      if (path.endsWith('/check-runs')) return json(201, { id: calls.length });
      return json(200, method === 'GET' ? [] : {});
    };
  for (const method of ['get', 'post', 'patch']) api[method](/.*/).reply(record(method.toUpperCase()));
  nock('https://codeload.github.com').persist().get(/.*/).reply((uri) => [200, archives[uri.split('/').pop()], { 'content-type': 'application/x-gzip' }]);
  return calls;
}

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

function pullRequestPayload(action) {
  return {
    action,
    number: NUMBER,
    installation: { id: 1 },
    repository: { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER }, default_branch: 'main' },
    pull_request: {
      number: NUMBER, state: 'open', html_url: `https://github.com/${OWNER}/${REPO}/pull/${NUMBER}`, user: { login: 'dev-anna' },
      head: { sha: HEAD_SHA, ref: 'feature' }, base: { sha: BASE_SHA, ref: 'main' }, labels: [], requested_reviewers: [], requested_teams: [],
    },
  };
}

async function measure(count) {
  nock.cleanAll();
  nock.disableNetConnect();
  const archives = {
    [BASE_SHA]: await tarball(`${OWNER}-${REPO}-bbbbbbb`, estate(count, false)),
    [HEAD_SHA]: await tarball(`${OWNER}-${REPO}-ccccccc`, estate(count, true)),
  };
  const calls = simulateGitHub(archives);
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: 'bench',
    logLevel: 'error',
    // Probot's throttle options replace object defaults; the function form keeps the limiter off.
    Octokit: ProbotOctokit.defaults((o) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } })),
  });
  // The app answers a webhook once its job is queued; the bench waits until the queue is idle.
  const queue = createQueue({ log: probot.log });
  await probot.load(freigabeApp({ cache: new LruSnapshotCache(), identity: { id: 1, slug: 'freigabe' }, queue }));
  const started = performance.now();
  await probot.receive({ id: '1', name: 'pull_request', payload: pullRequestPayload('opened') });
  await queue.idle();
  const first = [...calls];
  const ms = Math.round(performance.now() - started);
  calls.length = 0;
  await probot.receive({ id: '2', name: 'pull_request', payload: pullRequestPayload('labeled') });
  await queue.idle();
  return { first, second: [...calls], ms };
}

for (const count of [10, 1000]) {
  const { first, second, ms } = await measure(count);
  console.log(`${String(count).padStart(5)} Fachverfahren: ${first.length} API calls (first evaluation, ${ms} ms), ${second.length} on the next event (snapshots cached)`);
  if (process.argv.includes('--verbose')) for (const c of first) console.log(`        ${c}`);
}
nock.cleanAll();
nock.enableNetConnect();
