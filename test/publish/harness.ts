/**
 * The after-merge part of the app under test: a Probot instance with a throwaway key and
 * afterMergeApp loaded, the strict OpenAPI mock, an in-memory Git server for the estate
 * repository (default branch and rendered branches), and push payloads from
 * @octokit/webhooks-examples.
 */
import { Writable } from 'node:stream';
import { example, type Payload } from '../helpers/webhook-examples.js';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterMergeApp } from '../../src/github/after-merge.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { loadEstate } from '../../src/core/load.js';
import { commitMessage, stageFiles } from '../../src/core/publication.js';
import { renderEstate } from '../../src/core/render.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { PROMOTE_BRANCH } from './fixture.js';
import { stageNames } from '../../src/core/model.js';
import { awaitJobs, throwawayPrivateKey } from '../github/app-harness.js';
import { createQueue } from '../../src/github/queue/index.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { tarball } from '../github/tarball-builder.js';
import { GitServer } from './git-server.js';

export const OWNER = 'itdz';
export const REPO = 'estate';
export const INSTALLATION = 4242;
export const TOKEN = 'ghs_throwawayInstallationToken0123456789';
export const REPO_URL = `https://github.com/${OWNER}/${REPO}.git`;
export const API_BASE = `/repos/${OWNER}/${REPO}`;

let key: string | undefined;

export interface PublishTestApp {
  readonly probot: Probot;
  readonly mock: GitHubMock;
  readonly git: GitServer;
  readonly logs: string[];
}

export async function createPublishApp(): Promise<PublishTestApp> {
  key ??= throwawayPrivateKey();
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } }));
  const probot = new Probot({
    appId: 123,
    privateKey: key,
    secret: 'throwaway-webhook-secret',
    log,
    // A function, not an object: Probot merges its own throttle options over object defaults,
    // which would space every write by a second.
    Octokit: ProbotOctokit.defaults((o: Record<string, any>) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } })),
  });
  const queue = createQueue({ log });
  await probot.load(afterMergeApp({ cache: new LruSnapshotCache(), reconcile: false, identity: { id: 123, slug: 'freigabe' }, queue }));
  awaitJobs(probot, queue);
  const mock = new GitHubMock();
  mock.on('POST', `/app/installations/${INSTALLATION}/access_tokens`, {
    status: 201,
    body: { token: TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: { contents: 'write' }, repository_selection: 'all' },
  });
  return { probot, mock, git: new GitServer(OWNER, REPO), logs };
}


/** The branch-push example of @octokit/webhooks-examples, for our repository and commits. */
export function pushEvent(before: string, after: string, ref = 'refs/heads/main') {
  return pushEventFrom(example('push', (e) => e.ref === 'refs/heads/master' && !e.deleted), { before, after, ref, cloneUrl: REPO_URL });
}

/** A push example (github.com's or GitHub Enterprise Server's) adapted to our repository and commits. */
export function pushEventFrom(p: Payload, c: { before: string; after: string; ref?: string; cloneUrl: string }) {
  const { before, after, ref = 'refs/heads/main', cloneUrl } = c;
  p.ref = ref;
  p.before = before;
  p.after = after;
  p.deleted = false;
  p.created = false;
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.repository.owner.name = OWNER;
  p.repository.default_branch = 'main';
  p.repository.master_branch = 'main';
  p.repository.clone_url = cloneUrl;
  p.head_commit = { ...(p.head_commit ?? {}), id: after };
  p.installation = { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
  return { id: `push-${after.slice(0, 8)}-${Math.random()}`, name: 'push' as const, payload: p };
}

export function commentEvent(body: string, number: number, user: { login: string; type: string }) {
  const p = example('issue_comment', (e) => e.action === 'created');
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.repository.default_branch = 'main';
  p.issue.number = number;
  p.issue.pull_request = { url: `https://api.github.com${API_BASE}/pulls/${number}`, html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}` };
  p.comment = { ...p.comment, body, user: { ...p.comment.user, ...user } };
  p.installation = { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
  return { id: `comment-${Math.random()}`, name: 'issue_comment' as const, payload: p };
}

/** What freigabe renders for these estate files, by stage (relative to the stage directory). */
export function renderedStages(files: Record<string, string>): Map<string, Map<string, string>> {
  const estate = loadEstate({ snapshot: snapshotOf(files) }).value;
  const { files: rendered, diagnostics } = renderEstate({ estate, repoURL: REPO_URL });
  if (diagnostics.length > 0) throw new Error(`fixture does not render: ${JSON.stringify(diagnostics)}`);
  return new Map(stageNames(estate).map((s) => [s, stageFiles(rendered, s)]));
}

/** The default branch at a commit with these files; returns the commit sha. */
export function commitEstate(git: GitServer, files: Record<string, string>, parents: string[] = [], message = 'estate'): string {
  return git.seed('main', files, message, parents);
}

/** Rendered branches as freigabe would have published `source` (one commit per stage). */
export function seedRendered(git: GitServer, files: Record<string, string>, source: string): void {
  for (const [stage, stageTree] of renderedStages(files)) {
    git.seed(`rendered/${stage}`, Object.fromEntries(stageTree), commitMessage({ stage, source, approvedBy: [], notfall: false, verfahren: [] }));
  }
}

export async function serveTarball(mock: GitHubMock, sha: string, files: Record<string, string>): Promise<void> {
  mock.tarball(OWNER, REPO, sha, await tarball(`${OWNER}-${REPO}-${sha.slice(0, 7)}`, files));
}

export function userJson(login: string, id = 1) {
  return { login, id, node_id: `U${id}`, avatar_url: '', gravatar_id: '', url: '', html_url: '', type: 'User', site_admin: false };
}

/** A merged pull request as `GET /commits/{sha}/pulls` lists it. */
export function mergedPull(p: { number: number; mergeSha: string; headSha: string; author: string; title: string; labels?: string[] }) {
  return {
    id: p.number, number: p.number, node_id: 'PR', state: 'closed', locked: false, title: p.title, body: null,
    user: userJson(p.author, 5), labels: (p.labels ?? []).map((name, i) => ({ id: i, node_id: 'L', url: '', name, color: 'ff0000', default: false, description: null })),
    html_url: `https://github.com/${OWNER}/${REPO}/pull/${p.number}`, url: '', merged_at: '2026-05-04T09:59:00Z', merge_commit_sha: p.mergeSha,
    head: { sha: p.headSha, ref: 'feature', label: `${OWNER}:feature`, user: userJson(p.author, 5), repo: null },
    base: { sha: 'b'.repeat(40), ref: 'main', label: `${OWNER}:main`, user: userJson(OWNER, 6), repo: null },
  };
}

/** A timeline event: `labeled`/`unlabeled` at a time, or a dismissed review. */
export function labelEvent(event: 'labeled' | 'unlabeled', name: string, at: string) {
  return { id: 1, node_id: 'E', url: '', actor: userJson('j-becker'), event, commit_id: null, commit_url: null, created_at: at, label: { name, color: 'ff0000' }, performed_via_github_app: null };
}

export function reviewJson(login: string, state: string, commitId: string, submittedAt: string, i = 0) {
  return {
    id: 500 + i, node_id: `R${i}`, user: userJson(login, 600 + i), body: '', state, commit_id: commitId, html_url: '', pull_request_url: '',
    author_association: 'MEMBER', submitted_at: submittedAt, _links: { html: { href: '' }, pull_request: { href: '' } },
  };
}

/**
 * The reads of deciding a merged pull request again for the audit trailers
 * (src/github/publication/merge-decision.ts): the merge commit (for its parent), the pull request's commits,
 * timeline (labels at the merge) and its head branch's activity, and teams the requirements name. The parent's archive is served by the caller unless cached.
 */
export function expectMergeDecision(
  t: PublishTestApp,
  p: { mergeSha: string; number: number; commits?: { author: string | null; committer: string | null }[]; pushes?: string[]; timeline?: unknown[]; teams?: Record<string, string[]> },
): void {
  const m = t.mock;
  m.on('GET', `${API_BASE}/issues/${p.number}/timeline?per_page=100`, { body: p.timeline ?? [] });
  for (const [team, members] of Object.entries(p.teams ?? {})) {
    const [org, slug] = team.split('/');
    m.on('GET', `/orgs/${org}/teams/${slug}/members?per_page=100`, { body: members.map((login, i) => userJson(login, 950 + i)) });
  }
  m.on('GET', `${API_BASE}/git/commits/${p.mergeSha}`, () => ({ body: t.git.commitJson(p.mergeSha) }));
  const commits = p.commits ?? [{ author: 'j-becker', committer: 'web-flow' }];
  m.on('GET', `${API_BASE}/pulls/${p.number}/commits?per_page=100`, {
    body: commits.map((c, i) => ({
      sha: `${i}`.padStart(40, 'e'), node_id: '', url: '', html_url: '', comments_url: '', parents: [],
      commit: { message: 'change', author: { name: c.author ?? 'x', email: 'x@example.invalid' }, committer: { name: c.committer ?? 'x', email: 'x@example.invalid' }, url: '', comment_count: 0, tree: { sha: '', url: '' } },
      author: c.author ? userJson(c.author, 700 + i) : null, committer: c.committer ? userJson(c.committer, 800 + i) : null,
    })),
  });
  m.on('GET', `${API_BASE}/activity?ref=${encodeURIComponent('refs/heads/feature')}&per_page=100`, {
    body: (p.pushes ?? ['j-becker']).map((login, i) => ({ id: i, node_id: 'A', before: 'a'.repeat(40), after: 'b'.repeat(40), ref: 'refs/heads/feature', timestamp: '2026-05-04T09:00:00Z', activity_type: 'push', actor: userJson(login, 900 + i) })),
  });
}

/** The requests of opening (or, with `existing`, refreshing) the Produktion promotion pull request for wohngeld. */
export function expectPromotionPr(t: PublishTestApp, options: { existing?: number } = {}): void {
  const m = t.mock;
  t.git.expectTree(m).expectCommit(m);
  m.on('GET', new RegExp(`^${API_BASE}/git/commits/[0-9a-f]{40}$`), (r) => ({ body: t.git.commitJson(r.path.split('/').pop()!) }), { times: options.existing ? 2 : 1 });
  m.on('GET', `${API_BASE}/git/ref/${t.git.enc(PROMOTE_BRANCH)}`, () => {
    const sha = t.git.refs.get(PROMOTE_BRANCH);
    return sha ? { body: t.git.refJson(PROMOTE_BRANCH, sha) } : { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } };
  });
  if (options.existing) t.git.expectUpdateRef(m, PROMOTE_BRANCH);
  else t.git.expectCreateRef(m);
  const open = options.existing ? [{ number: options.existing, html_url: `https://github.com/${OWNER}/estate/pull/${options.existing}`, state: 'open' }] : [];
  m.on('GET', `${API_BASE}/pulls?head=${encodeURIComponent(`${OWNER}:${PROMOTE_BRANCH}`)}&state=open&per_page=10`, { body: open });
  if (options.existing) m.on('PATCH', `${API_BASE}/pulls/${options.existing}`, { body: { number: options.existing } });
  else m.on('POST', `${API_BASE}/pulls`, { status: 201, body: { number: 50, html_url: `https://github.com/${OWNER}/estate/pull/50` } });
  m.on('POST', `${API_BASE}/pulls/${options.existing ?? 50}/requested_reviewers`, { status: 201, body: { number: options.existing ?? 50 } });
}

/** `count` deployments and their first (queued) status in `repoBase` ('/repos/{owner}/{repo}'), answered as GitHub does. */
export function expectDeployments(mock: GitHubMock, count: number, repoBase = API_BASE): void {
  let id = 9000;
  mock.on('POST', `${repoBase}/deployments`, (r) => {
    const b = r.body as { ref: string; environment: string };
    return { status: 201, body: { id: ++id, node_id: 'D', sha: b.ref, ref: b.ref, task: 'deploy', payload: {}, environment: b.environment, description: '', creator: userJson('freigabe[bot]'), created_at: '', updated_at: '', statuses_url: '', repository_url: '', url: '' } };
  }, { times: count });
  mock.on('POST', new RegExp(`^${repoBase}/deployments/\\d+/statuses$`), (r) => ({ status: 201, body: { id: 1, node_id: 'S', state: (r.body as { state: string }).state, url: '', creator: null, description: '', environment: '', target_url: '', created_at: '', updated_at: '', deployment_url: '', repository_url: '' } }), { times: count });
}
