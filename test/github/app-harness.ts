/**
 * Drives the freigabe app like GitHub does: a Probot instance with a throwaway key, webhook
 * payloads from @octokit/webhooks-examples adapted to one repository and pull request, and a
 * simulated pull request (its comments, reviews, commits) behind the strict OpenAPI mock.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import examples from '@octokit/webhooks-examples';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { freigabeApp, type FreigabeAppOptions } from '../../src/github/app.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { createQueue, type DomainQueue } from '../../src/github/queue/index.js';
import { GitHubMock, type RequestRecord } from './openapi-mock.js';
import { tarball } from './tarball-builder.js';

export const OWNER = 'itdz';
export const REPO = 'estate';
export const NUMBER = 7;
export const AUTHOR = 'dev-anna';
export const INSTALLATION = 4242;
export const BASE_SHA = 'b'.repeat(40);
export const HEAD_SHA = 'c'.repeat(40);
export const TOKEN = 'ghs_throwawayInstallationToken0123456789';
export const SECRET = 'throwaway-webhook-secret';
/** The app under test: id 123 (as Probot is created), slug `freigabe`, bot account `freigabe[bot]`. */
export const APP_IDENTITY = { id: 123, slug: 'freigabe' } as const;
export const BOT_EMAIL = '41898282+freigabe[bot]@users.noreply.github.com';

/** A throwaway RSA key made for this test run; no real key is ever committed. */
export function throwawayPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

let key: string | undefined;

/**
 * `ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } })` as in
 * Probot's testing docs — but Probot 14 passes its own throttle options to every instance,
 * which replace the object defaults, so the write limiter (one write per second) stays on.
 * The function form applies after Probot's options and keeps both plugins off.
 */
export const TestOctokit = ProbotOctokit.defaults(((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
})) as never);

export interface TestApp {
  readonly probot: Probot;
  readonly mock: GitHubMock;
  readonly pr: SimulatedPullRequest;
  readonly logs: string[];
  readonly cache: LruSnapshotCache;
}

export async function createTestApp(options: FreigabeAppOptions = {}, harness: { token?: boolean; Octokit?: typeof ProbotOctokit } = {}): Promise<TestApp> {
  key ??= throwawayPrivateKey();
  const logs: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const probot = new Probot({
    appId: 123,
    privateKey: key,
    secret: SECRET,
    log,
    Octokit: harness.Octokit ?? TestOctokit,
  });
  const cache = new LruSnapshotCache();
  const queue = options.queue ?? createQueue({ log });
  await probot.load(freigabeApp({ cache, now: () => new Date('2026-05-04T10:00:00Z'), identity: APP_IDENTITY, ...options, queue }));
  awaitJobs(probot, queue);
  const mock = new GitHubMock();
  // The installation token: asked for once, then cached by Probot for its lifetime.
  if (harness.token !== false) mock.on('POST', `/app/installations/${INSTALLATION}/access_tokens`, {
    status: 201,
    body: { token: TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: { checks: 'write' }, repository_selection: 'all' },
  });
  return { probot, mock, pr: new SimulatedPullRequest(mock), logs, cache };
}

/**
 * The app answers a delivery once its jobs are queued; tests check what the jobs did, so
 * `receive` here also waits until the in-process queue has run everything.
 */
export function awaitJobs(probot: Probot, queue: DomainQueue): void {
  const receive = probot.receive.bind(probot);
  probot.receive = async (event) => {
    await receive(event);
    await queue.idle();
  };
}

// ---------------------------------------------------------------------------------------
// Payloads

type Payload = Record<string, any>;

function example(name: string, action: string): Payload {
  // Not every action has an example; the payload shape is the same across actions of an event.
  if (name === 'pull_request' && action === 'edited') return { ...example(name, 'opened'), action: 'edited' };
  const def = (examples as unknown as { name: string; examples: Payload[] }[]).find((d) => d.name === name);
  const found = def?.examples.find((e) => e.action === action && e.installation) ?? def?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no example for ${name}.${action}`);
  return structuredClone(found);
}

export interface PullState {
  headSha?: string;
  baseSha?: string;
  baseRef?: string;
  defaultBranch?: string;
  labels?: string[];
  requestedReviewers?: string[];
  requestedTeams?: string[];
  author?: string;
  /** The head branch (default `feature`) and the pull request's `commits` count (default 1). */
  headRef?: string;
  commits?: number;
}

function adaptRepository(p: Payload, s: PullState): void {
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.repository.default_branch = s.defaultBranch ?? 'main';
  p.installation = { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
}

function adaptPull(pull: Payload, s: PullState): void {
  pull.number = NUMBER;
  pull.state = 'open';
  pull.html_url = `https://github.com/${OWNER}/${REPO}/pull/${NUMBER}`;
  pull.user = { ...pull.user, login: s.author ?? AUTHOR, type: 'User' };
  pull.head = { ...pull.head, sha: s.headSha ?? HEAD_SHA, ref: s.headRef ?? 'feature', repo: { ...pull.base.repo, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...pull.base.repo.owner, login: OWNER } } };
  pull.commits = s.commits ?? 1;
  pull.base = { ...pull.base, sha: s.baseSha ?? BASE_SHA, ref: s.baseRef ?? 'main', repo: { ...pull.base.repo, default_branch: s.defaultBranch ?? 'main' } };
  pull.labels = (s.labels ?? []).map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ff0000', default: false, description: null }));
  pull.requested_reviewers = (s.requestedReviewers ?? []).map((login, i) => ({ login, id: 100 + i, type: 'User' }));
  pull.requested_teams = (s.requestedTeams ?? []).map((slug, i) => ({ slug, id: 200 + i, name: slug }));
}

export function pullRequestEvent(action: string, s: PullState = {}, extra: Payload = {}): { id: string; name: 'pull_request'; payload: any } {
  const p = example('pull_request', action);
  adaptRepository(p, s);
  adaptPull(p.pull_request, s);
  p.number = NUMBER;
  Object.assign(p, extra);
  return { id: `pr-${action}-${Math.random()}`, name: 'pull_request', payload: p };
}

export function reviewEvent(action: 'submitted' | 'edited' | 'dismissed', review: { login: string; state: string; commitId: string }, s: PullState = {}) {
  const p = example('pull_request_review', action === 'edited' ? 'submitted' : action);
  p.action = action;
  adaptRepository(p, s);
  adaptPull(p.pull_request, s);
  p.review = { ...p.review, user: { ...p.review.user, login: review.login, type: 'User' }, state: review.state.toLowerCase(), commit_id: review.commitId };
  return { id: `review-${Math.random()}`, name: 'pull_request_review' as const, payload: p };
}

export function commentEvent(body: string, s: PullState = {}, user: { login: string; type: string } = { login: 'j-becker', type: 'User' }) {
  const p = example('issue_comment', 'created');
  adaptRepository(p, s);
  p.issue.number = NUMBER;
  p.issue.pull_request = { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${NUMBER}`, html_url: `https://github.com/${OWNER}/${REPO}/pull/${NUMBER}` };
  p.comment = { ...p.comment, body, user: { ...p.comment.user, ...user } };
  return { id: `comment-${Math.random()}`, name: 'issue_comment' as const, payload: p };
}

export function checkRunRerequestedEvent(s: PullState = {}, name = 'freigabe/approval') {
  const p = example('check_run', 'rerequested');
  adaptRepository(p, s);
  p.check_run.name = name;
  p.check_run.head_sha = s.headSha ?? HEAD_SHA;
  p.check_run.pull_requests = [{ number: NUMBER, id: 1, url: '', head: { sha: s.headSha ?? HEAD_SHA, ref: 'feature', repo: { id: 1, name: REPO, url: '' } }, base: { sha: s.baseSha ?? BASE_SHA, ref: 'main', repo: { id: 1, name: REPO, url: '' } } }];
  return { id: `run-${Math.random()}`, name: 'check_run' as const, payload: p };
}

export function checkSuiteRerequestedEvent(s: PullState = {}) {
  const p = example('check_suite', 'rerequested');
  adaptRepository(p, s);
  p.check_suite.head_sha = s.headSha ?? HEAD_SHA;
  p.check_suite.pull_requests = [
    { number: NUMBER, id: 1, url: '', head: { sha: s.headSha ?? HEAD_SHA, ref: 'feature', repo: { id: 1, name: REPO, url: '' } }, base: { sha: s.baseSha ?? BASE_SHA, ref: 'main', repo: { id: 1, name: REPO, url: '' } } },
    { number: 99, id: 2, url: '', head: { sha: 'f'.repeat(40), ref: 'old', repo: { id: 1, name: REPO, url: '' } }, base: { sha: BASE_SHA, ref: 'main', repo: { id: 1, name: REPO, url: '' } } },
  ];
  return { id: `suite-${Math.random()}`, name: 'check_suite' as const, payload: p };
}

/** `GET /repos/{o}/{r}/pulls/{n}` response for events that only carry the number. */
export function pullResponse(s: PullState = {}): Payload {
  const pull = example('pull_request', 'opened').pull_request;
  adaptPull(pull, s);
  return pull;
}

// ---------------------------------------------------------------------------------------
// The simulated pull request behind the mock

export interface Review {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
}

export interface EvaluationExpectations {
  /** Archives to serve (not cached yet): sha → files. */
  readonly tarballs?: Record<string, Record<string, string | Uint8Array>>;
  /** Reviews and commits are read (not for a pull request without estate change). */
  readonly reads?: boolean;
  readonly reviewRequest?: boolean;
  /**
   * Check-run writes this evaluation makes. Default: both created when the head commit has no
   * run yet, else both updated in place; `{ create: 0, update: 0 }` for an unchanged result.
   */
  readonly checks?: { readonly create?: number; readonly update?: number };
  /** Settings read through the contents API (base is not the default branch). */
  readonly settings?: string | null;
  readonly teams?: Record<string, string[]>;
  /** The comment is only listed (no estate change: no comment to create). */
  readonly commentListOnly?: boolean;
  /** The comment is not touched at all (broken settings). */
  readonly comment?: false;
  readonly pullRequestGet?: PullState;
  /** The base is the default branch (default true): the pull requests sharing the head are listed. */
  readonly baseIsDefault?: boolean;
  /** The evaluation fails before it lists the pull requests sharing the head (default false). */
  readonly failsEarly?: boolean;
  /** Other pull requests `GET /commits/{head}/pulls` lists (besides this one). */
  readonly shared?: readonly Payload[];
  /** The head commit (default HEAD_SHA) and branch (default feature) of this evaluation. */
  readonly headSha?: string;
  readonly headRef?: string;
  /** The timeline is read (a DISMISSED review is in the list). */
  readonly timeline?: readonly Payload[];
}

let nextId = 1000;

/** A check run as GitHub keeps it: updates replace title and summary and append annotations. */
export interface SimulatedRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  details_url?: string;
  app: { id: number };
  output: { title: string; summary: string; annotations: NonNullable<CheckRunBody['output']['annotations']> };
}

const simulated = new WeakMap<GitHubMock, SimulatedPullRequest>();
export const APP_ID = 123;

export class SimulatedPullRequest {
  comments: { id: number; body: string; user: { login: string; type: string }; html_url: string }[] = [];
  runs: SimulatedRun[] = [];
  reviews: Review[] = [];
  commits: CommitSpec[] = [{ author: AUTHOR, committer: 'web-flow' }];
  /** Who pushed to the head branch, as the repository activity lists it. */
  pushes: string[] = [AUTHOR];

  constructor(private readonly mock: GitHubMock) {
    simulated.set(mock, this);
  }

  /** Registers every request one evaluation makes. */
  async expectEvaluation(e: EvaluationExpectations = {}): Promise<void> {
    const m = this.mock;
    const base = `/repos/${OWNER}/${REPO}`;
    if (e.pullRequestGet) m.on('GET', `${base}/pulls/${NUMBER}`, { body: pullResponse(e.pullRequestGet) });
    if (e.settings !== undefined) {
      m.on('GET', `${base}/contents/.github%2Ffreigabe.yml?ref=main`, e.settings === null
        ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' } }
        : { body: contentFile('.github/freigabe.yml', e.settings) });
    }
    for (const [sha, files] of Object.entries(e.tarballs ?? {})) {
      m.tarball(OWNER, REPO, sha, await tarball(`${OWNER}-${REPO}-${sha.slice(0, 7)}`, files));
    }
    if (e.reads !== false) {
      m.on('GET', `${base}/pulls/${NUMBER}/reviews?per_page=100`, () => ({ body: this.reviews.map(reviewJson) }));
      m.on('GET', `${base}/pulls/${NUMBER}/commits?per_page=100`, () => ({ body: this.commits.map(commitJson) }));
      m.on('GET', `${base}/activity?ref=${encodeURIComponent(`refs/heads/${e.headRef ?? 'feature'}`)}&per_page=100`, () => ({ body: this.pushes.map(activityJson) }));
    }
    if (e.timeline) m.on('GET', `${base}/issues/${NUMBER}/timeline?per_page=100`, { body: e.timeline });
    if (e.baseIsDefault !== false && !e.failsEarly) {
      m.on('GET', `${base}/commits/${e.headSha ?? HEAD_SHA}/pulls?per_page=100`, () => ({ body: [{ ...pullResponse({ headSha: e.headSha }), number: NUMBER }, ...(e.shared ?? [])] }));
    }
    for (const [team, members] of Object.entries(e.teams ?? {})) {
      const [org, slug] = team.split('/');
      m.on('GET', `/orgs/${org}/teams/${slug}/members?per_page=100`, { body: members.map((login, i) => userJson(login, 300 + i)) });
    }
    if (e.comment !== false) m.on('GET', `/repos/${OWNER}/${REPO}/issues/${NUMBER}/comments?per_page=100`, () => ({ body: this.comments.map(commentJson) }));
    if (!e.commentListOnly && e.comment !== false) {
      const existing = this.comments.find((c) => c.body.startsWith('<!-- freigabe:plan -->'));
      if (existing) {
        m.on('PATCH', `${base}/issues/comments/${existing.id}`, (r) => {
          existing.body = (r.body as { body: string }).body;
          return { body: commentJson(existing) };
        });
      } else {
        m.on('POST', `${base}/issues/${NUMBER}/comments`, (r) => {
          const c = { id: nextId++, body: (r.body as { body: string }).body, user: { login: 'freigabe[bot]', type: 'Bot' }, html_url: '' };
          c.html_url = `https://github.com/${OWNER}/${REPO}/pull/${NUMBER}#issuecomment-${c.id}`;
          this.comments.push(c);
          return { status: 201, body: commentJson(c) };
        });
      }
    }
    m.on('GET', new RegExp(`^${base}/commits/[0-9a-f]{40}/check-runs\\?`), (r) => {
      const url = new URL(r.path, 'https://api.github.com');
      const sha = url.pathname.split('/')[5];
      const appId = url.searchParams.get('app_id');
      const runs = this.runs
        .filter((run) => run.head_sha === sha && run.name === url.searchParams.get('check_name') && (!appId || String(run.app.id) === appId))
        .sort((a, b) => b.id - a.id);
      return { body: { total_count: runs.length, check_runs: runs.map(listedRun) } };
    }, { times: 2 });
    // Default: a first evaluation creates both runs, a later one (same head) updates both.
    const known = this.runs.length > 0;
    const create = e.checks?.create ?? (known ? 0 : 2);
    const update = e.checks?.update ?? (known ? 2 : 0);
    if (create > 0) {
      m.on('POST', `${base}/check-runs`, (r) => {
        const b = r.body as CheckRunBody;
        const run: SimulatedRun = { id: nextId++, name: b.name, head_sha: b.head_sha, status: b.status, conclusion: b.conclusion, app: { id: APP_ID }, output: { title: b.output.title, summary: b.output.summary, annotations: [...(b.output.annotations ?? [])] }, ...(b.details_url ? { details_url: b.details_url } : {}) };
        this.runs.push(run);
        return { status: 201, body: listedRun(run) };
      }, { times: create });
    }
    if (update > 0) {
      m.on('PATCH', new RegExp(`^${base}/check-runs/\\d+$`), (r) => {
        const run = this.runs.find((x) => x.id === Number(r.path.split('/').pop()));
        if (!run) return { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } };
        const b = r.body as Partial<CheckRunBody>;
        Object.assign(run, { ...(b.status ? { status: b.status } : {}), ...(b.conclusion ? { conclusion: b.conclusion } : {}), ...(b.details_url ? { details_url: b.details_url } : {}) });
        if (b.output) run.output = { title: b.output.title, summary: b.output.summary, annotations: [...run.output.annotations, ...(b.output.annotations ?? [])] };
        return { body: listedRun(run) };
      }, { times: update });
    }
    if (e.reviewRequest) m.on('POST', `${base}/pulls/${NUMBER}/requested_reviewers`, { status: 201, body: pullResponse() });
  }
}

function contentFile(path: string, text: string) {
  return {
    type: 'file', encoding: 'base64', size: text.length, name: path.split('/').pop(), path, sha: 'd'.repeat(40),
    content: Buffer.from(text).toString('base64'), url: '', git_url: null, html_url: null, download_url: null,
    _links: { self: '', git: null, html: null },
  };
}

function userJson(login: string, id: number) {
  return { login, id, node_id: `U${id}`, avatar_url: '', gravatar_id: '', url: '', html_url: '', type: 'User', site_admin: false };
}

function reviewJson(r: Review, i: number) {
  return {
    id: 500 + i, node_id: `R${i}`, user: userJson(r.login, 600 + i), body: '', state: r.state, commit_id: r.commitId,
    html_url: '', pull_request_url: '', author_association: 'MEMBER', submitted_at: `2026-05-04T09:${String(10 + i).padStart(2, '0')}:00Z`,
    _links: { html: { href: '' }, pull_request: { href: '' } },
  };
}

/** A commit of the pull request: linked logins (null: GitHub could not link the e-mail), or one freigabe made itself. */
export interface CommitSpec {
  author: string | null;
  committer: string | null;
  message?: string;
  /** Made by freigabe: the bot's address on both sides and GitHub's verified signature. */
  own?: boolean;
}

function commitJson(c: CommitSpec, i: number) {
  const person = (login: string | null) => (c.own ? { name: 'freigabe[bot]', email: BOT_EMAIL } : { name: login ?? 'Unbekannt', email: `${login ?? 'unlinked'}@example.invalid` });
  return {
    sha: `${i}`.padStart(40, 'e'), node_id: '', url: '', html_url: '', comments_url: '', parents: [],
    commit: {
      message: c.message ?? 'change', author: person(c.author), committer: person(c.committer), url: '', comment_count: 0, tree: { sha: '', url: '' },
      verification: { verified: c.own === true, reason: c.own ? 'valid' : 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: c.author === null ? null : { ...userJson(c.author, 700 + i), ...(c.own ? { type: 'Bot' } : {}) },
    committer: c.committer === null ? null : { ...userJson(c.committer, 800 + i), ...(c.own ? { type: 'Bot' } : {}) },
  };
}

function activityJson(login: string, i: number) {
  return { id: 4000 + i, node_id: `A${i}`, before: 'a'.repeat(40), after: HEAD_SHA, ref: 'refs/heads/feature', timestamp: '2026-05-04T09:00:00Z', activity_type: 'push', actor: userJson(login, 1000 + i) };
}

function commentJson(c: SimulatedPullRequest['comments'][number]) {
  return { id: c.id, node_id: `C${c.id}`, url: '', html_url: c.html_url, body: c.body, user: { ...userJson(c.user.login, 900), type: c.user.type }, author_association: 'NONE', created_at: '', updated_at: '', issue_url: '' };
}

function listedRun(run: SimulatedRun) {
  return {
    id: run.id, head_sha: run.head_sha, name: run.name, status: run.status, conclusion: run.conclusion, node_id: '', url: '', html_url: '', details_url: run.details_url ?? '',
    app: { id: run.app.id, slug: 'freigabe' }, output: { title: run.output.title, summary: run.output.summary, text: null, annotations_count: run.output.annotations.length, annotations_url: '' },
  };
}

// ---------------------------------------------------------------------------------------
// Reading what the app sent

export interface CheckRunBody {
  name: string;
  head_sha: string;
  status: string;
  conclusion: string;
  details_url?: string;
  output: { title: string; summary: string; annotations?: { path: string; start_line: number; end_line: number; annotation_level: string; message: string; title: string }[] };
}

export function checkRuns(mock: GitHubMock): CheckRunBody[] {
  return mock.find('POST', `/repos/${OWNER}/${REPO}/check-runs`).map((r) => r.body as CheckRunBody);
}

/** The newest check run of that name as GitHub now shows it (updates applied, annotations appended). */
export function checkRun(mock: GitHubMock, name: string): CheckRunBody {
  const runs = simulated.get(mock)?.runs.filter((r) => r.name === name) ?? [];
  const run = runs.at(-1);
  if (!run) throw new Error(`no check run ${name}`);
  return { name: run.name, head_sha: run.head_sha, status: run.status, conclusion: run.conclusion, ...(run.details_url ? { details_url: run.details_url } : {}), output: { ...run.output } };
}

/** Check-run writes (creates and updates) so far. */
export function checkRunWrites(mock: GitHubMock): RequestRecord[] {
  return mock.requests.filter((r) => r.path.split('?')[0].match(new RegExp(`^/repos/${OWNER}/${REPO}/check-runs(/\\d+)?$`)) && r.method !== 'GET');
}

/** `GET /repos/{o}/{r}/collaborators/{username}/permission` for a user with this role. */
export function collaboratorPermission(login: string, role: string) {
  return {
    body: {
      permission: role === 'maintain' ? 'write' : role,
      role_name: role,
      user: { login, id: 77, node_id: 'U77', avatar_url: '', gravatar_id: '', url: '', html_url: '', type: 'User', site_admin: false, permissions: {} },
    },
  };
}
