/**
 * A GitHub-shaped HTTP server on loopback for app processes (they cannot share a nock): one
 * estate repository with a Git object store, pull requests, check runs, comments and
 * deployments. Every API request is checked against GitHub's REST description with the
 * strict mock's checker (test/github/openapi-mock.ts); an operation the fake does not know
 * is answered 501 and reported as a problem. Each replica gets its own port, so the fake
 * knows which replica sent a request.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gitBlobSha, parseTrailers } from '../../src/core/publication.js';
import { openApiValidator } from '../github/openapi-validator.js';
import { tarball } from '../github/tarball-builder.js';

export const OWNER = 'itdz';
export const REPO = 'estate';
export const INSTALLATION = 4242;

interface Commit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
}

export interface PullState {
  readonly number: number;
  head: string;
  readonly base: string;
  updatedAt: string;
  readonly comments: Array<{ id: number; body: string }>;
}

export interface RecordedRequest {
  readonly seq: number;
  /** The port the request came in on: which replica sent it. */
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly body: unknown;
}

export interface CheckRunRecord {
  readonly seq: number;
  readonly id: number;
  readonly name: string;
  readonly headSha: string;
}

interface Hold {
  readonly match: (r: RecordedRequest) => boolean;
  readonly resolve: (r: RecordedRequest) => void;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export class FakeGitHub {
  readonly problems: string[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly deployments: Array<{ environment: string; ref: string }> = [];
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  readonly pulls = new Map<number, PullState>();
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #holds: Hold[] = [];
  readonly #tarballs = new Map<string, Promise<Buffer>>();
  #paused: Array<() => void> | undefined;
  #seq = 0;
  #ids = 1;
  #commitCounter = 0;

  /** Listens on `count` ports of 127.0.0.1 (one per replica). */
  async start(count: number): Promise<number[]> {
    for (let i = 0; i < count; i++) {
      const server = createServer((req, res) => void this.#handle(req, res));
      server.on('connection', (s) => {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.#servers.push(server);
    }
    return this.ports;
  }

  get ports(): number[] {
    return this.#servers.map((s) => (s.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  // --- the store ----------------------------------------------------------------------

  tree(files: ReadonlyMap<string, string>): string {
    const entries = new Map<string, string>();
    for (const [path, text] of files) {
      const sha = gitBlobSha(text);
      this.blobs.set(sha, text);
      entries.set(path, sha);
    }
    return this.#storeTree(entries);
  }

  #storeTree(entries: Map<string, string>): string {
    const sha = sha1(`tree ${[...entries].sort().map(([p, s]) => `${p}=${s}`).join(';')}`);
    this.trees.set(sha, entries);
    return sha;
  }

  commit(tree: string, parents: readonly string[], message: string): string {
    const sha = sha1(`commit ${tree} ${parents.join(',')} ${message} ${this.#commitCounter++}`);
    this.commits.set(sha, { tree, parents, message });
    return sha;
  }

  /** A commit with these files on top of `parents`; moves `branch` if given. */
  commitFiles(files: Record<string, string>, parents: readonly string[], message: string, branch?: string): string {
    const sha = this.commit(this.tree(new Map(Object.entries(files))), parents, message);
    if (branch) this.refs.set(branch, sha);
    return sha;
  }

  files(ref: string): Map<string, string> {
    const sha = this.refs.get(ref) ?? ref;
    const commit = this.commits.get(sha);
    if (!commit) return new Map();
    return new Map([...this.trees.get(commit.tree)!].map(([p, b]) => [p, this.blobs.get(b)!]));
  }

  filesAsRecord(ref: string): Record<string, string> {
    return Object.fromEntries(this.files(ref));
  }

  /** First-parent history of a branch, newest first. */
  history(branch: string): Array<{ sha: string; message: string }> {
    const out: Array<{ sha: string; message: string }> = [];
    for (let sha = this.refs.get(branch); sha; sha = this.commits.get(sha)?.parents[0]) out.push({ sha, message: this.commits.get(sha)!.message });
    return out;
  }

  /** Commits on a rendered branch that name `source` as their source (a duplicate publication shows as two). */
  publicationsOf(branch: string, source: string): number {
    return this.history(branch).filter((c) => parseTrailers(c.message).source === source).length;
  }

  #isAncestor(ancestor: string, sha: string): boolean {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s === ancestor) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(this.commits.get(s)?.parents ?? []));
    }
    return false;
  }

  // --- control ------------------------------------------------------------------------

  /** The next request that matches is never answered; resolves when it arrives. */
  hold(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    return new Promise((resolve) => this.#holds.push({ match, resolve }));
  }

  /** Requests wait until `resume` (then they are answered) or `drop` (then their connections are closed). */
  pause(): void {
    this.#paused ??= [];
  }

  /** Requests waiting for `resume` or `drop`. */
  get paused(): number {
    return this.#paused?.length ?? 0;
  }

  resume(): void {
    const waiting = this.#paused ?? [];
    this.#paused = undefined;
    for (const go of waiting) go();
  }

  /** Closes every open connection (held and paused requests included). */
  dropConnections(): void {
    this.#paused = undefined;
    for (const s of this.#sockets) s.destroy();
  }

  countOf(operationId: string): number {
    return this.requests.filter((r) => r.operationId === operationId).length;
  }

  // --- HTTP ---------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.#paused) await new Promise<void>((resolve) => this.#paused!.push(resolve));
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const port = req.socket.localPort ?? 0;
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      const buffer = Buffer.isBuffer(payload) ? payload : payload === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(payload));
      res.writeHead(status, { ...(Buffer.isBuffer(payload) ? {} : { 'content-type': 'application/json; charset=utf-8' }), 'content-length': String(buffer.length), ...headers });
      res.end(buffer);
    };

    if (url.pathname.startsWith('/_codeload/')) {
      const sha = url.pathname.split('/').pop()!;
      if (!this.commits.has(sha)) return send(404, { message: 'Not Found' });
      let archive = this.#tarballs.get(sha);
      if (!archive) {
        archive = tarball(`${OWNER}-${REPO}-${sha.slice(0, 7)}`, Object.fromEntries(this.files(sha)));
        this.#tarballs.set(sha, archive);
      }
      return send(200, await archive, { 'content-type': 'application/x-gzip' });
    }

    const path = url.pathname.replace(/^\/api\/v3/, '');
    const operation = openApiValidator().find(method, path);
    const record: RecordedRequest = { seq: this.#seq++, port, method, path: `${path}${url.search}`, ...(operation ? { operationId: operation.operationId } : {}), body };
    this.requests.push(record);
    this.problems.push(...openApiValidator().check({ method, url: `https://api.github.com${path}${url.search}`, body }));
    const hold = this.#holds.findIndex((h) => h.match(record));
    if (hold >= 0) {
      const [h] = this.#holds.splice(hold, 1);
      h.resolve(record);
      return; // never answered
    }
    const reply = this.#reply(record, url, req.headers.host ?? `127.0.0.1:${port}`);
    send(reply.status, reply.body, reply.headers);
  }

  #reply(r: RecordedRequest, url: URL, host: string): { status: number; body?: unknown; headers?: Record<string, string> } {
    const parts = r.path.split('?')[0].split('/').map(decodeURIComponent);
    const b = (r.body ?? {}) as Record<string, any>;
    const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
    const unprocessable = (message: string) => ({ status: 422, body: { message, documentation_url: 'https://docs.github.com/rest', status: '422' } });
    const pull = () => this.pulls.get(Number(parts[5]));
    switch (r.operationId) {
      case 'apps/create-installation-access-token':
        return { status: 201, body: { token: `ghs_fake${this.#ids++}`, expires_at: '2099-01-01T00:00:00Z', permissions: {}, repository_selection: 'all' } };
      case 'repos/download-tarball-archive': {
        const ref = parts.slice(5).join('/');
        return this.commits.has(ref) ? { status: 302, headers: { location: `http://${host}/_codeload/${OWNER}/${REPO}/legacy.tar.gz/${ref}` } } : notFound;
      }
      case 'pulls/get': {
        const p = pull();
        return p ? { status: 200, body: this.pullJson(p) } : notFound;
      }
      case 'pulls/list-reviews':
        return { status: 200, body: [] };
      case 'pulls/list-commits':
        return { status: 200, body: [{ sha: pull()?.head ?? '0'.repeat(40), commit: { message: 'change', author: { name: 'dev-anna' }, committer: { name: 'web-flow' } }, author: { login: 'dev-anna', id: 1, type: 'User' }, committer: { login: 'web-flow', id: 2, type: 'User' }, parents: [] }] };
      case 'pulls/request-reviewers':
        return { status: 201, body: this.pullJson(pull()!) };
      case 'issues/list-comments':
        return { status: 200, body: (pull()?.comments ?? []).map((c) => this.commentJson(c)) };
      case 'issues/create-comment': {
        const c = { id: this.#ids++, body: String(b.body) };
        pull()?.comments.push(c);
        return { status: 201, body: this.commentJson(c) };
      }
      case 'issues/update-comment': {
        const id = Number(parts[6]);
        const c = [...this.pulls.values()].flatMap((p) => p.comments).find((x) => x.id === id);
        if (!c) return notFound;
        c.body = String(b.body);
        return { status: 200, body: this.commentJson(c) };
      }
      case 'repos/get-collaborator-permission-level':
        return { status: 200, body: { permission: 'write', role_name: 'write', user: { login: parts[5], id: 9, type: 'User' } } };
      case 'checks/create': {
        const run = { seq: r.seq, id: this.#ids++, name: String(b.name), headSha: String(b.head_sha) };
        this.checkRuns.push(run);
        return { status: 201, body: { id: run.id, name: run.name, head_sha: run.headSha, status: b.status ?? 'completed', html_url: '', details_url: '' } };
      }
      case 'checks/update': {
        const id = Number(parts[5]);
        const old = this.checkRuns.find((c) => c.id === id);
        if (!old) return notFound;
        this.checkRuns.push({ ...old, seq: r.seq });
        return { status: 200, body: { id, name: old.name, head_sha: old.headSha, status: 'completed' } };
      }
      case 'checks/list-for-ref': {
        const runs = this.checkRuns.filter((c) => c.headSha === parts[5]);
        return { status: 200, body: { total_count: runs.length, check_runs: runs.map((c) => ({ id: c.id, name: c.name, head_sha: c.headSha, status: 'completed' })) } };
      }
      case 'repos/get-content':
        return notFound;
      case 'git/get-ref': {
        const branch = parts.slice(6).join('/').replace(/^heads\//, '');
        const sha = this.refs.get(branch);
        return sha ? { status: 200, body: this.refJson(branch, sha) } : notFound;
      }
      case 'git/get-commit': {
        const c = this.commits.get(parts[6]);
        return c ? { status: 200, body: this.commitJson(parts[6], c) } : notFound;
      }
      case 'git/get-tree': {
        const t = this.trees.get(parts[6]);
        if (!t) return notFound;
        return { status: 200, body: { sha: parts[6], url: '', truncated: false, tree: [...t].map(([path, sha]) => ({ path, mode: '100644', type: 'blob', sha, url: '' })) } };
      }
      case 'git/create-blob': {
        const text = b.encoding === 'base64' ? Buffer.from(String(b.content), 'base64').toString('utf8') : String(b.content);
        const sha = gitBlobSha(text);
        this.blobs.set(sha, text);
        return { status: 201, body: { sha, url: '' } };
      }
      case 'git/create-tree': {
        const entries = new Map(b.base_tree ? this.trees.get(String(b.base_tree)) ?? [] : []);
        for (const e of b.tree as Array<{ path: string; sha?: string | null; content?: string }>) {
          if (e.content !== undefined) {
            const sha = gitBlobSha(e.content);
            this.blobs.set(sha, e.content);
            entries.set(e.path, sha);
          } else if (e.sha === null) {
            entries.delete(e.path);
          } else if (e.sha && this.blobs.has(e.sha)) {
            entries.set(e.path, e.sha);
          } else {
            return unprocessable(`tree entry ${e.path}: unknown blob ${e.sha}`);
          }
        }
        const sha = this.#storeTree(entries);
        return { status: 201, body: { sha, url: '', truncated: false, tree: [] } };
      }
      case 'git/create-commit': {
        const sha = this.commit(String(b.tree), (b.parents as string[]) ?? [], String(b.message));
        return { status: 201, body: this.commitJson(sha, this.commits.get(sha)!) };
      }
      case 'git/update-ref': {
        const branch = parts.slice(6).join('/').replace(/^heads\//, '');
        const current = this.refs.get(branch);
        if (!current) return unprocessable('Reference does not exist');
        if (!b.force && !this.#isAncestor(current, String(b.sha))) return unprocessable('Update is not a fast forward');
        this.refs.set(branch, String(b.sha));
        return { status: 200, body: this.refJson(branch, String(b.sha)) };
      }
      case 'git/create-ref': {
        const branch = String(b.ref).replace(/^refs\/heads\//, '');
        if (this.refs.has(branch)) return unprocessable('Reference already exists');
        this.refs.set(branch, String(b.sha));
        return { status: 201, body: this.refJson(branch, String(b.sha)) };
      }
      case 'repos/compare-commits':
      case 'repos/compare-commits-with-basehead': {
        const [base, head] = parts[5].split('...');
        if (!this.commits.has(base) || !this.commits.has(head)) return notFound;
        const status = base === head ? 'identical' : this.#isAncestor(base, head) ? 'ahead' : this.#isAncestor(head, base) ? 'behind' : 'diverged';
        return { status: 200, body: { status, ahead_by: 0, behind_by: 0, total_commits: 0, commits: [], files: [] } };
      }
      case 'repos/list-pull-requests-associated-with-commit':
        return { status: 200, body: [] };
      case 'repos/list-activities':
        // Who pushed to a branch (four-eyes): nobody but the pull request's author in these scenarios.
        return { status: 200, body: [] };
      case 'apps/get-authenticated':
        return { status: 200, body: { id: 123, slug: 'freigabe', name: 'freigabe', node_id: 'A_1', owner: null, description: null, external_url: '', html_url: '', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', permissions: {}, events: [] } };
      case 'issues/list-events-for-timeline':
        return { status: 200, body: [] };
      case 'repos/create-deployment': {
        this.deployments.push({ environment: String(b.environment), ref: String(b.ref) });
        return { status: 201, body: { id: this.#ids++, sha: b.ref, ref: b.ref, environment: b.environment, task: 'deploy', payload: b.payload ?? {} } };
      }
      case 'repos/create-deployment-status':
        return { status: 201, body: { id: this.#ids++, state: b.state } };
      default:
        this.problems.push(`the fake does not know ${r.method} ${r.path} (${r.operationId ?? 'no operation'})`);
        void url;
        return { status: 501, body: { message: 'not implemented by the fake' } };
    }
  }

  pullJson(p: PullState) {
    return {
      number: p.number,
      state: 'open',
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${p.number}`,
      updated_at: p.updatedAt,
      user: { login: 'dev-anna', id: 1, type: 'User' },
      head: { sha: p.head, ref: `feature-${p.number}` },
      base: { sha: p.base, ref: 'main', repo: { default_branch: 'main' } },
      labels: [],
      requested_reviewers: [],
      requested_teams: [],
    };
  }

  commentJson(c: { id: number; body: string }) {
    return { id: c.id, body: c.body, html_url: `https://github.com/${OWNER}/${REPO}/pull/1#issuecomment-${c.id}`, user: { login: 'freigabe[bot]', id: 3, type: 'Bot' } };
  }

  refJson(branch: string, sha: string) {
    return { ref: `refs/heads/${branch}`, node_id: 'REF', url: '', object: { type: 'commit', sha, url: '' } };
  }

  commitJson(sha: string, c: Commit) {
    return { sha, node_id: 'C', url: '', html_url: '', message: c.message, tree: { sha: c.tree, url: '' }, parents: c.parents.map((p) => ({ sha: p, url: '', html_url: '' })), author: { name: 'x', email: 'x@example.org', date: '2026-05-04T10:00:00Z' }, committer: { name: 'x', email: 'x@example.org', date: '2026-05-04T10:00:00Z' } };
  }
}
