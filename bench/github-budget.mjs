#!/usr/bin/env node
/**
 * GitHub's write budget, measured: for estates of 10 and 1,000 Fachverfahren
 * (bench/generate-estate.mjs) the app runs in-process against a GitHub stand-in (nock, an
 * in-memory git, check runs, comments, deployments) and this prints, per scenario, the
 * content-creating requests (POST/PATCH/PUT/DELETE, what GitHub's secondary rate limits count)
 * and the time they take:
 *
 *   1. first publication of all stages (push of the first commit; no rendered branch yet)
 *   2. a merge changing one Fachverfahren in one stage (its Vorprüfung booking)
 *   3. the first evaluation of a pull request changing one Fachverfahren
 *   4. the same evaluation again, nothing changed
 *   5. the first evaluation of a pull request with 50,000 findings (50,000 stray files)
 *
 * Time is SIMULATED for the writes: the budget fake (test/github/github-budget.mjs, virtual
 * clock) puts every content-creating request one second after the previous one, as Probot's
 * throttling spaces them on github.com, and counts reads as free; it would answer 403 beyond
 * 80 writes a minute or 500 an hour. "compute" is this machine's real time for the scenario
 * (rendering, diffing, nock). Estimated wall time on github.com = compute + writes × 1 s
 * (an upper bound: GitHub's own latency per read is not included, writes overlap with compute).
 *
 *   npm run build && node bench/github-budget.mjs [--sizes 10,1000] [--verbose]
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { freigabeApp } from '../dist/src/github/app.js';
import { createQueue } from '../dist/src/github/queue/index.js';
import { LruSnapshotCache } from '../dist/src/github/platform/snapshot-cache.js';
import { WRITE_SPACING_MS } from '../dist/src/github/platform/write-budget.js';
import { GitHubBudget } from '../test/github/github-budget.mjs';
import { generateEstate } from './generate-estate.mjs';

const OWNER = 'itdz';
const REPO = 'estate';
const BASE = `/repos/${OWNER}/${REPO}`;
const FINDINGS = 50_000;
const args = process.argv.slice(2);
const sizes = (args.includes('--sizes') ? args[args.indexOf('--sizes') + 1] : '10,1000').split(',').map(Number);
const verbose = args.includes('--verbose');

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z', GIT_CONFIG_NOSYSTEM: '1' };
const git = (dir, gitArgs, options = {}) => execFileSync('git', ['-C', dir, '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', ...gitArgs], { env: GIT_ENV, maxBuffer: 1 << 30, ...options });
const sha1 = (s) => createHash('sha1').update(s).digest('hex');
/** Git's blob id, as GitHub computes it for inline tree content. */
const blobSha = (text) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');

/** The generated repository plus two commits of our own on top of its first one. */
function prepare(n) {
  const dir = generateEstate(n, mkdtempSync(join(tmpdir(), `freigabe-budget-${n}-`)));
  const first = git(dir, ['rev-parse', 'HEAD~1']).toString().trim();
  const touched = git(dir, ['diff', '--name-only', 'HEAD~1', 'HEAD']).toString().split('\n').find((p) => p.endsWith('/vorpruefung.yaml'));
  // one Fachverfahren, one stage: only the Vorprüfung booking of the second commit
  git(dir, ['checkout', '-q', '-b', 'one', first]);
  git(dir, ['checkout', 'main', '--', touched]);
  git(dir, ['commit', '-q', '-m', 'one Fachverfahren in Vorprüfung']);
  const one = git(dir, ['rev-parse', 'HEAD']).toString().trim();
  // 50,000 findings: as many files the estate does not know
  git(dir, ['checkout', '-q', '-b', 'findings', first]);
  mkdirSync(join(dir, 'environments', 'stray'), { recursive: true });
  for (let i = 0; i < FINDINGS; i++) writeFileSync(join(dir, 'environments', 'stray', `s-${String(i).padStart(5, '0')}.txt`), `${i}\n`);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', `${FINDINGS} stray files`]);
  const findings = git(dir, ['rev-parse', 'HEAD']).toString().trim();
  return { dir, first, one, findings };
}

/** GitHub as the app sees it: git data, pull-request side, deployments; every write through the budget. */
function simulateGitHub(dir, budget) {
  const refs = new Map([['main', null]]);
  const commits = new Map(); // sha → { tree, parents, message }
  const trees = new Map(); // sha → Map(path → blob sha)
  const comments = [];
  const runs = [];
  const requested = new Set();
  const unknown = [];
  let id = 1000;

  const sourceCommit = (sha) => {
    if (commits.has(sha)) return;
    const files = new Map(git(dir, ['ls-tree', '-r', sha]).toString().trim().split('\n').map((l) => { const [meta, path] = l.split('\t'); return [path, meta.split(' ')[2]]; }));
    const tree = sha1(`tree ${sha}`);
    trees.set(tree, files);
    commits.set(sha, { tree, parents: [], message: 'source' });
  };
  const treeJson = (sha) => ({ sha, url: '', truncated: false, tree: [...trees.get(sha)].map(([path, s]) => ({ path, mode: '100644', type: 'blob', sha: s, url: '' })) });
  const commitJson = (sha) => { const c = commits.get(sha); return { sha, node_id: 'C', url: '', html_url: '', message: c.message, tree: { sha: c.tree, url: '' }, parents: c.parents.map((p) => ({ sha: p, url: '', html_url: '' })), author: { name: 'x', email: 'x', date: '' }, committer: { name: 'x', email: 'x', date: '' }, verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: null } }; };
  const refJson = (branch) => ({ ref: `refs/heads/${branch}`, node_id: 'R', url: '', object: { type: 'commit', sha: refs.get(branch), url: '' } });
  const json = (status, body, headers = {}) => [status, JSON.stringify(body), { 'content-type': 'application/json', ...headers }];
  const notFound = () => json(404, { message: 'Not Found', documentation_url: '' });
  const run = (r) => ({ id: r.id, name: r.name, head_sha: r.head_sha, status: r.status, conclusion: r.conclusion, app: { id: 1 }, output: { title: r.output.title, summary: r.output.summary, annotations_count: r.annotations } });

  function answer(method, uri, body) {
    const url = new URL(uri, 'https://api.github.com');
    const path = url.pathname;
    let m;
    if (path.endsWith('/access_tokens')) return json(201, { token: 'ghs_bench', expires_at: '2099-01-01T00:00:00Z' });
    if ((m = /\/tarball\/(\w+)$/.exec(path))) return [302, '', { location: `https://codeload.github.com/${OWNER}/${REPO}/legacy.tar.gz/${m[1]}` }];
    if (method === 'GET' && /^\/orgs\/[^/]+\/teams\/[^/]+\/members$/.test(path)) return json(200, []);
    if (!path.startsWith(BASE)) return (unknown.push(`${method} ${path}`), notFound());
    const p = path.slice(BASE.length);
    if (method === 'GET' && (m = /^\/git\/ref\/heads%2F(.+)$/.exec(p))) {
      const branch = decodeURIComponent(m[1]);
      return refs.get(branch) ? json(200, refJson(branch)) : notFound();
    }
    if (method === 'GET' && (m = /^\/git\/commits\/(\w+)$/.exec(p))) return (sourceCommit(m[1]), json(200, commitJson(m[1])));
    if (method === 'GET' && (m = /^\/git\/trees\/(\w+)$/.exec(p))) return json(200, treeJson(m[1]));
    if (method === 'POST' && p === '/git/trees') {
      const files = new Map(body.base_tree ? trees.get(body.base_tree) : []);
      for (const e of body.tree) {
        if (e.content !== undefined) files.set(e.path, blobSha(e.content));
        else if (e.sha === null) files.delete(e.path);
        else files.set(e.path, e.sha);
      }
      const sha = sha1(`tree ${[...files].map(([a, b]) => `${a}=${b}`).join(';')}`);
      trees.set(sha, files);
      return json(201, { sha, url: '', tree: [], truncated: false });
    }
    if (method === 'POST' && p === '/git/commits') {
      const sha = sha1(`commit ${id++}`);
      commits.set(sha, { tree: body.tree, parents: body.parents ?? [], message: body.message });
      return json(201, commitJson(sha));
    }
    if (method === 'POST' && p === '/git/refs') return (refs.set(body.ref.replace('refs/heads/', ''), body.sha), json(201, refJson(body.ref.replace('refs/heads/', ''))));
    if (method === 'PATCH' && (m = /^\/git\/refs\/heads%2F(.+)$/.exec(p))) return (refs.set(decodeURIComponent(m[1]), body.sha), json(200, refJson(decodeURIComponent(m[1]))));
    if (method === 'GET' && /^\/compare\//.test(p)) return json(200, { status: 'ahead', ahead_by: 1, behind_by: 0 });
    if (method === 'GET' && /^\/commits\/\w+\/pulls$/.test(p)) return json(200, []);
    if (method === 'POST' && p === '/deployments') return json(201, { id: id++, sha: body.ref, ref: body.ref, environment: body.environment });
    if (method === 'POST' && /^\/deployments\/\d+\/statuses$/.test(p)) return json(201, { id: id++, state: body.state });
    if (method === 'GET' && p === '/pulls') return json(200, []);
    if (method === 'POST' && p === '/pulls') return json(201, { number: id++, html_url: 'https://github.com/x/pull/1' });
    if (method === 'POST' && (m = /^\/pulls\/\d+\/requested_reviewers$/.exec(p))) return (body.reviewers?.forEach((r) => requested.add(r)), json(201, {}));
    if (method === 'GET' && /^\/pulls\/\d+\/(reviews|commits)$/.test(p)) return json(200, p.endsWith('commits') ? [{ sha: 'e'.repeat(40), commit: { author: { name: 'dev-anna' }, committer: { name: 'web-flow' } }, author: { login: 'dev-anna' }, committer: { login: 'web-flow' } }] : []);
    if (method === 'GET' && (m = /^\/issues\/(\d+)\/comments$/.exec(p))) return json(200, comments.filter((c) => c.number === Number(m[1])));
    if (method === 'POST' && (m = /^\/issues\/(\d+)\/comments$/.exec(p))) {
      const c = { id: id++, number: Number(m[1]), body: body.body, html_url: `https://github.com/x#c${id}`, user: { login: 'freigabe[bot]', type: 'Bot' } };
      comments.push(c);
      return json(201, c);
    }
    if (method === 'PATCH' && (m = /^\/issues\/comments\/(\d+)$/.exec(p))) { const c = comments.find((x) => x.id === Number(m[1])); c.body = body.body; return json(200, c); }
    if (method === 'GET' && (m = /^\/commits\/(\w+)\/check-runs$/.exec(p))) {
      const found = runs.filter((r) => r.head_sha === m[1] && r.name === url.searchParams.get('check_name')).reverse();
      return json(200, { total_count: found.length, check_runs: found.map(run) });
    }
    if (method === 'POST' && p === '/check-runs') { const r = { id: id++, ...body, annotations: body.output.annotations?.length ?? 0 }; runs.push(r); return json(201, run(r)); }
    if (method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(p))) { const r = runs.find((x) => x.id === Number(m[1])); Object.assign(r, body, { annotations: r.annotations + (body.output?.annotations?.length ?? 0) }); return json(200, run(r)); }
    unknown.push(`${method} ${path}`);
    return method === 'GET' ? notFound() : json(200, {});
  }

  const api = nock('https://api.github.com').persist();
  for (const method of ['get', 'post', 'patch', 'put', 'delete']) {
    api[method](/.*/).reply(function (uri, body) {
      const refusal = budget.admit({ method: method.toUpperCase(), path: uri.split('?')[0] });
      if (refusal) return [refusal.status, JSON.stringify(refusal.body), refusal.headers];
      if (verbose && method !== 'get') console.log(`        ${method.toUpperCase()} ${uri.split('?')[0]}${uri.endsWith('/git/trees') ? ` ${(typeof body === "string" ? JSON.parse(body) : body).tree.map((e) => e.path).slice(0, 4).join(' ')}` : ''}`);
      return answer(method.toUpperCase(), uri, typeof body === 'string' && body ? JSON.parse(body) : body);
    });
  }
  return { refs, requested, unknown, archives: new Map() };
}

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

const repository = { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, name: OWNER }, default_branch: 'main', master_branch: 'main', clone_url: `https://github.com/${OWNER}/${REPO}.git` };
const push = (before, after) => ({ id: `push-${after}`, name: 'push', payload: { ref: 'refs/heads/main', before, after, deleted: false, created: false, repository, installation: { id: 1 } } });
const pullRequest = (action, number, base, head, requested) => ({
  id: `pr-${number}-${action}-${Math.random()}`,
  name: 'pull_request',
  payload: {
    action, number, installation: { id: 1 }, repository,
    pull_request: { number, state: 'open', html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}`, user: { login: 'dev-anna' }, head: { sha: head, ref: 'feature' }, base: { sha: base, ref: 'main' }, labels: [], requested_reviewers: [...requested].map((login) => ({ login })), requested_teams: [] },
  },
});

async function measure(n) {
  const { dir, first, one, findings } = prepare(n);
  nock.cleanAll();
  nock.disableNetConnect();
  const budget = new GitHubBudget({ clock: 'virtual' });
  const gh = simulateGitHub(dir, budget);
  const archives = new Map([first, one, findings].map((sha) => [sha, git(dir, ['archive', '--format=tar.gz', `--prefix=${OWNER}-${REPO}-${sha.slice(0, 7)}/`, sha])]));
  nock('https://codeload.github.com').persist().get(/.*/).reply((uri) => [200, archives.get(uri.split('/').pop()), { 'content-type': 'application/x-gzip' }]);
  const probot = new Probot({
    appId: 1, privateKey, secret: 'bench', logLevel: 'error',
    // The virtual clock stands in for the throttling's one-second spacing: no real waiting.
    Octokit: ProbotOctokit.defaults((o) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } })),
  });
  // The app answers a webhook once its job is queued; the bench waits until the queue is idle.
  const queue = createQueue({ log: probot.log });
  await probot.load(freigabeApp({ cache: new LruSnapshotCache({ maxBytes: 1 << 30 }), queue, identity: { id: 1, slug: 'freigabe' } }));

  const rows = [];
  const scenario = async (name, target, event, kinds = () => ({})) => {
    const writes = budget.writes.length;
    const refused = budget.refusals.length;
    const started = performance.now();
    if (verbose) console.log(`    ${name}`);
    await probot.receive(event);
    await queue.idle();
    const compute = (performance.now() - started) / 1000;
    const made = budget.writes.slice(writes);
    const simulated = made.length * (WRITE_SPACING_MS / 1000);
    rows.push({ name, target, writes: made.length, refused: budget.refusals.length - refused, simulated, compute, ...kinds(made) });
  };
  const byKind = (made) => {
    const kind = (w) => (/\/deployments/.test(w.path) ? 'deployments' : /\/pulls$|\/requested_reviewers|promote/.test(w.path) ? 'promotion' : 'publication');
    const out = { publication: 0, deployments: 0, promotion: 0 };
    for (const w of made) out[kind(w)]++;
    return { detail: `publication ${out.publication}, deployments ${out.deployments}, promotion pull request ${out.promotion}` };
  };

  await scenario('first publication of all stages', '≤ 40 writes, ≤ 2 min', push('0'.repeat(40), first), byKind);
  // the promotion pull request's tree, commit, ref, pull request and review request are counted apart
  await scenario('merge: one Fachverfahren in one stage', '≤ 3 per changed stage + deployments', push(first, one), (made) => {
    const promotion = made.filter((w) => /\/pulls$|\/requested_reviewers/.test(w.path)).length;
    const deployments = made.filter((w) => /\/deployments/.test(w.path)).length;
    const git = made.length - promotion - deployments;
    const promotionGit = git > 3 ? 3 : 0; // the promotion branch: tree, commit, ref
    return { detail: `publication ${git - promotionGit} (1 stage), deployments ${deployments}, promotion pull request ${promotionGit + promotion}` };
  });
  await scenario('first pull-request evaluation', '≤ 5 writes', pullRequest('opened', 7, first, one, gh.requested));
  await scenario('unchanged re-evaluation', '0 writes', pullRequest('synchronize', 7, first, one, gh.requested));
  await scenario(`evaluation with ${FINDINGS.toLocaleString('en')} findings`, '≤ 5 writes', pullRequest('opened', 8, first, findings, new Set()));

  console.log(`\n${n.toLocaleString('en')} Fachverfahren × 4 stages`);
  for (const r of rows) {
    const estimate = r.compute + r.simulated;
    console.log(`  ${r.name.padEnd(40)} ${String(r.writes).padStart(4)} writes  ${r.simulated.toFixed(0).padStart(4)} s simulated  ${r.compute.toFixed(1).padStart(5)} s compute  ≈ ${estimate.toFixed(0).padStart(4)} s  (target ${r.target})${r.refused ? `  ${r.refused} REFUSED` : ''}`);
    if (r.detail) console.log(`  ${''.padEnd(40)} ${r.detail}`);
  }
  console.log(`  budget: peak ${budget.peak(60_000)} writes in a minute (limit 80), ${budget.peak(3_600_000)} in an hour (limit 500); ${budget.refusals.length} refused`);
  if (gh.unknown.length > 0) console.log(`  (unanswered by the stand-in: ${[...new Set(gh.unknown)].join(', ')})`);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
  } catch {
    // git may still be packing in the background; the directory is in the system's temp space
  }
}

console.log('freigabe on GitHub\'s write budget. Writes = content-creating requests. Time of the writes is SIMULATED:');
console.log('one second per write (the throttling\'s spacing on github.com), reads free; compute = real time on this machine.');
for (const n of sizes) await measure(n);
nock.cleanAll();
nock.enableNetConnect();
