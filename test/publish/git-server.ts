/**
 * GitHub's Git Data API over an in-memory object store, behind the strict OpenAPI mock: blobs
 * (real git ids, written from inline tree `content`), flat trees (`base_tree`, `sha: null`
 * deletes), commits and refs with GitHub's fast-forward rule. Tests register
 * exactly the requests they expect (strict mock); the replies come from this store, so the
 * test can check the resulting branch content, parents and messages.
 */
import { createHash } from 'node:crypto';
import { gitBlobSha } from '../../src/core/publication.js';
import type { GitHubMock } from '../github/openapi-mock.js';

export interface Commit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Made by freigabe (its bot's address, verified by GitHub); false: someone pushed it by hand. */
  readonly own: boolean;
}

/** The address GitHub gives the app's bot account `freigabe[bot]`. */
export const BOT_EMAIL = '41898282+freigabe[bot]@users.noreply.github.com';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export const unprocessable = (message: string) => ({
  status: 422,
  body: { message, documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference', status: '422' },
});
export const notFound = () => ({ status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } });

export class GitServer {
  readonly blobs = new Map<string, string>();
  /** tree sha → path → blob sha */
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  #n = 0;

  constructor(readonly owner: string, readonly repo: string) {}

  get base(): string {
    return `/repos/${this.owner}/${this.repo}`;
  }

  // --- store -------------------------------------------------------------------------

  blob(text: string): string {
    const sha = gitBlobSha(text);
    this.blobs.set(sha, text);
    return sha;
  }

  tree(files: Map<string, string>): string {
    const sha = sha1(`tree ${[...files.entries()].sort().map(([p, s]) => `${p}=${s}`).join(';')}`);
    this.trees.set(sha, new Map(files));
    return sha;
  }

  commit(tree: string, parents: string[], message: string, own = true): string {
    const sha = sha1(`commit ${tree} ${parents.join(',')} ${message} ${this.#n++}`);
    this.commits.set(sha, { sha, tree, parents, message, own });
    return sha;
  }

  /** Seeds a branch with files (text by path), returns the commit. */
  seed(branch: string, files: Record<string, string>, message = 'seed', parents: string[] = [], own = true): string {
    const tree = this.tree(new Map(Object.entries(files).map(([p, t]) => [p, this.blob(t)])));
    const sha = this.commit(tree, parents, message, own);
    this.refs.set(branch, sha);
    return sha;
  }

  files(branch: string): Map<string, string> {
    const head = this.refs.get(branch);
    if (!head) return new Map();
    const tree = this.trees.get(this.commits.get(head)!.tree)!;
    return new Map([...tree.entries()].map(([p, s]) => [p, this.blobs.get(s)!]));
  }

  head(branch: string): Commit | undefined {
    const sha = this.refs.get(branch);
    return sha ? this.commits.get(sha) : undefined;
  }

  /** Commits on a branch, newest first (first parents). */
  log(branch: string): Commit[] {
    const out: Commit[] = [];
    for (let c = this.head(branch); c; c = c.parents[0] ? this.commits.get(c.parents[0]) : undefined) out.push(c);
    return out;
  }

  #isAncestor(ancestor: string, of: string): boolean {
    const todo = [of];
    while (todo.length > 0) {
      const sha = todo.pop()!;
      if (sha === ancestor) return true;
      todo.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  // --- expected requests -------------------------------------------------------------

  enc(branch: string): string {
    return encodeURIComponent(`heads/${branch}`).replaceAll('%2F', '%2F');
  }

  /** GET ref (404 when missing); when present: GET commit, GET tree?recursive. */
  expectRead(mock: GitHubMock, branch: string, options: { times?: number } = {}): this {
    const times = options.times ?? 1;
    mock.on('GET', `${this.base}/git/ref/${this.enc(branch)}`, () => {
      const sha = this.refs.get(branch);
      return sha ? { body: this.refJson(branch, sha) } : notFound();
    }, { times });
    if (this.refs.has(branch)) {
      mock.on('GET', new RegExp(`^${this.base}/git/commits/[0-9a-f]{40}$`), (r) => ({ body: this.commitJson(r.path.split('/').pop()!) }), { times });
      mock.on('GET', new RegExp(`^${this.base}/git/trees/[0-9a-f]{40}\\?recursive=true$`), (r) => ({ body: this.treeJson(r.path.split('/').pop()!.split('?')[0]) }), { times });
    }
    return this;
  }

  /** Only GET ref + GET commit (the trailer already says it is published). */
  expectHeadOnly(mock: GitHubMock, branch: string): this {
    mock.on('GET', `${this.base}/git/ref/${this.enc(branch)}`, () => ({ body: this.refJson(branch, this.refs.get(branch)!) }));
    mock.on('GET', new RegExp(`^${this.base}/git/commits/[0-9a-f]{40}$`), (r) => ({ body: this.commitJson(r.path.split('/').pop()!) }));
    return this;
  }

  expectTree(mock: GitHubMock, times = 1): this {
    mock.on('POST', `${this.base}/git/trees`, (r) => {
      const body = r.body as { base_tree?: string; tree: { path: string; sha?: string | null; content?: string }[] };
      const files = new Map(body.base_tree ? this.trees.get(body.base_tree)! : []);
      for (const e of body.tree) {
        if (e.content !== undefined && e.sha !== undefined) return { status: 422, body: { message: 'tree.sha and tree.content are mutually exclusive', documentation_url: '', status: '422' } };
        if (e.content !== undefined) files.set(e.path, this.blob(e.content));
        else if (e.sha === null) files.delete(e.path);
        else {
          if (!this.blobs.has(e.sha!)) return { status: 422, body: { message: `tree.sha ${e.sha} is not a valid blob`, documentation_url: '', status: '422' } };
          files.set(e.path, e.sha!);
        }
      }
      const sha = this.tree(files);
      return { status: 201, body: this.treeJson(sha) };
    }, { times });
    return this;
  }

  expectCommit(mock: GitHubMock, times = 1): this {
    mock.on('POST', `${this.base}/git/commits`, (r) => {
      const body = r.body as { message: string; tree: string; parents: string[] };
      const sha = this.commit(body.tree, body.parents ?? [], body.message);
      return { status: 201, body: this.commitJson(sha) };
    }, { times });
    return this;
  }

  /** PATCH ref with GitHub's fast-forward rule; `before` runs first (to move the branch concurrently). */
  expectUpdateRef(mock: GitHubMock, branch: string, options: { times?: number; before?: () => void } = {}): this {
    mock.on('PATCH', `${this.base}/git/refs/${this.enc(branch)}`, (r) => {
      options.before?.();
      const { sha, force } = r.body as { sha: string; force?: boolean };
      const old = this.refs.get(branch);
      if (!old) return unprocessable('Reference does not exist');
      if (!force && !this.#isAncestor(old, sha)) return unprocessable('Update is not a fast forward');
      this.refs.set(branch, sha);
      return { body: this.refJson(branch, sha) };
    }, { times: options.times ?? 1 });
    return this;
  }

  expectCreateRef(mock: GitHubMock, times = 1): this {
    mock.on('POST', `${this.base}/git/refs`, (r) => {
      const { ref, sha } = r.body as { ref: string; sha: string };
      const branch = ref.replace(/^refs\/heads\//, '');
      if (this.refs.has(branch)) return unprocessable('Reference already exists');
      this.refs.set(branch, sha);
      return { status: 201, body: this.refJson(branch, sha) };
    }, { times });
    return this;
  }

  /** A full publication write of one stage: tree requests (content inline), commit, ref. */
  expectWrite(mock: GitHubMock, branch: string, trees = 1): this {
    this.expectTree(mock, trees).expectCommit(mock);
    return this.refs.has(branch) ? this.expectUpdateRef(mock, branch) : this.expectCreateRef(mock);
  }

  // --- JSON shapes ---------------------------------------------------------------------

  refJson(branch: string, sha: string) {
    return { ref: `refs/heads/${branch}`, node_id: 'REF', url: '', object: { type: 'commit', sha, url: '' } };
  }

  commitJson(sha: string) {
    const c = this.commits.get(sha);
    if (!c) throw new Error(`unknown commit ${sha}`);
    const who = c.own ? { name: 'freigabe[bot]', email: BOT_EMAIL, date: '2026-05-04T10:00:00Z' } : { name: 'Mallory', email: 'mallory@example.invalid', date: '2026-05-04T10:00:00Z' };
    return {
      sha, node_id: 'C', url: '', html_url: `https://github.com/${this.owner}/${this.repo}/commit/${sha}`, author: who, committer: who,
      message: c.message, tree: { sha: c.tree, url: '' }, parents: c.parents.map((p) => ({ sha: p, url: '', html_url: '' })),
      verification: c.own ? { verified: true, reason: 'valid', signature: '-----BEGIN PGP SIGNATURE-----', payload: 'tree', verified_at: '2026-05-04T10:00:00Z' } : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  treeJson(sha: string) {
    const files = this.trees.get(sha);
    if (!files) throw new Error(`unknown tree ${sha}`);
    const dirs = new Set<string>();
    for (const p of files.keys()) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    const tree = [
      ...[...dirs].map((p) => ({ path: p, mode: '040000', type: 'tree', sha: sha1(`dir ${sha} ${p}`), url: '' })),
      ...[...files.entries()].map(([p, s]) => ({ path: p, mode: '100644', type: 'blob', sha: s, size: this.blobs.get(s)?.length ?? 0, url: '' })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    return { sha, url: '', tree, truncated: false };
  }
}
