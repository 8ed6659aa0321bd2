/**
 * `/freigabe promote` in a pull-request comment (write access required, polite refusal
 * otherwise) and the reconciliation that publishes a push whose webhook never arrived.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { parseTrailers } from '../../src/core/publication.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/github/platform/tarball.js';
import { Reconciler } from '../../src/github/reconciliation/reconcile.js';
import type { PullRequestTarget } from '../../src/github/platform/pull-request.js';
import { silentLogger } from '../../src/github/publication/publish.js';
import { collaboratorPermission } from '../github/app-harness.js';
import { DIGEST, PR_HEAD, PROMOTE_BRANCH, STAGES, WOHNGELD, fixtureFiles, withDigest, withSchulung } from './fixture.js';
import {
  API_BASE,
  commentEvent,
  commitEstate,
  createPublishApp,
  expectMergeDecision,
  expectPromotionPr,
  INSTALLATION,
  mergedPull,
  OWNER,
  REPO,
  renderedStages,
  reviewJson,
  seedRendered,
  serveTarball,
  userJson,
  type PublishTestApp,
} from './harness.js';


let t: PublishTestApp;
afterEach(() => t?.mock.verify());

const baseFiles = () => fixtureFiles();


function settingsFile(text: string) {
  return {
    type: 'file', encoding: 'base64', size: text.length, name: 'freigabe.yml', path: '.github/freigabe.yml', sha: 'd'.repeat(40),
    content: Buffer.from(text).toString('base64'), url: '', git_url: null, html_url: null, download_url: null, _links: { self: '', git: null, html: null },
  };
}

describe('/freigabe promote', () => {
  test('a user without write access is refused politely (German by default), nothing else happens', async () => {
    t = await createPublishApp();
    t.mock.on('GET', `${API_BASE}/collaborators/dev-anna/permission`, collaboratorPermission('dev-anna', 'read'));
    t.mock.on('GET', `${API_BASE}/contents/.github%2Ffreigabe.yml?ref=main`, { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } });
    t.mock.on('POST', `${API_BASE}/issues/7/comments`, { status: 201, body: { id: 1 } });
    await t.probot.receive(commentEvent('Bitte weiter:\n/freigabe promote wohngeld produktion', 7, { login: 'dev-anna', type: 'User' }));
    const [reply] = t.mock.find('POST', `${API_BASE}/issues/7/comments`);
    expect((reply.body as { body: string }).body).toBe(
      '@dev-anna, danke für den Hinweis! `/freigabe promote` dürfen nur Personen mit Schreibrechten auf dieses Repository verwenden. Bitte eine Person mit Schreibrechten oder die Verfahrensverantwortlichen, den Befehl auszuführen.',
    );
  });

  test('the refusal is English with locale en; triage is not write access', async () => {
    t = await createPublishApp();
    t.mock.on('GET', `${API_BASE}/collaborators/dev-anna/permission`, collaboratorPermission('dev-anna', 'triage'));
    t.mock.on('GET', `${API_BASE}/contents/.github%2Ffreigabe.yml?ref=main`, { body: settingsFile('locale: en\n') });
    t.mock.on('POST', `${API_BASE}/issues/7/comments`, { status: 201, body: { id: 1 } });
    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'dev-anna', type: 'User' }));
    const [reply] = t.mock.find('POST', `${API_BASE}/issues/7/comments`);
    expect((reply.body as { body: string }).body).toContain('Only people with write access to this repository can use `/freigabe promote`');
  });

  test('a maintainer gets the promotion pull request for the target stage, and the answer links it', async () => {
    t = await createPublishApp();
    const files = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, files);
    t.mock.on('GET', `${API_BASE}/collaborators/j-becker/permission`, collaboratorPermission('j-becker', 'maintain'));
    t.mock.on('GET', `${API_BASE}/git/ref/heads%2Fmain`, { body: t.git.refJson('main', head) });
    await serveTarball(t.mock, head, files);
    t.mock.on('GET', `${API_BASE}/git/ref/${t.git.enc(PROMOTE_BRANCH)}`, { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } });
    t.mock.on('GET', `${API_BASE}/git/commits/${head}`, { body: t.git.commitJson(head) });
    t.git.expectTree(t.mock).expectCommit(t.mock).expectCreateRef(t.mock);
    t.mock.on('GET', `${API_BASE}/pulls?head=${encodeURIComponent(`${OWNER}:${PROMOTE_BRANCH}`)}&state=open&per_page=10`, { body: [] });
    t.mock.on('POST', `${API_BASE}/pulls`, { status: 201, body: { number: 51, html_url: `https://github.com/${OWNER}/${REPO}/pull/51` } });
    t.mock.on('POST', `${API_BASE}/pulls/51/requested_reviewers`, { status: 201, body: { number: 51 } });
    t.mock.on('POST', `${API_BASE}/issues/7/comments`, { status: 201, body: { id: 1 } });

    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'j-becker', type: 'User' }));

    expect(t.git.files(PROMOTE_BRANCH).get(`${WOHNGELD}/produktion.yaml`)).toContain(`web@sha256:${DIGEST.d}`);
    const [reply] = t.mock.find('POST', `${API_BASE}/issues/7/comments`);
    expect((reply.body as { body: string }).body).toBe(`Promotion-Pull-Request #51 für wohngeld nach Produktion geöffnet: https://github.com/${OWNER}/${REPO}/pull/51`);
    const [reviewers] = t.mock.find('POST', `${API_BASE}/pulls/51/requested_reviewers`);
    expect(reviewers.body).toEqual({ reviewers: ['m-schulz', 'a-nowak'] });
  });

  test('comments by bots and other commands are not ours', async () => {
    t = await createPublishApp();
    t.mock.dispose();
    const mock = t.mock;
    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'renovate[bot]', type: 'Bot' }));
    await t.probot.receive(commentEvent('/freigabe recheck', 7, { login: 'j-becker', type: 'User' }));
    expect(mock.requests).toEqual([]);
    t = undefined as unknown as PublishTestApp;
  });
});

describe('reconciliation', () => {
  test('lost push → the next reconciliation publishes it with its trailers, opens the promotion pull request it would have, and re-evaluates open pull requests; a second tick within the interval does nothing', async () => {
    t = await createPublishApp();
    const base = commitEstate(t.git, baseFiles());
    seedRendered(t.git, baseFiles(), base);
    const headFiles = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, headFiles, [base], 'Merge pull request #41'); // its push webhook never arrived
    const before = new Map(STAGES.map((s) => [s, t.git.refs.get(`rendered/${s}`)]));

    const m = t.mock;
    m.on('GET', '/app/installations?per_page=100', { body: [{ id: INSTALLATION, account: userJson(OWNER), suspended_at: null, app_id: 123, target_type: 'Organization' }] }, { times: 2 });
    m.on('GET', '/installation/repositories?per_page=100', { body: { total_count: 1, repositories: [{ id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, owner: userJson(OWNER) }] } }, { times: 2 });
    m.on('GET', API_BASE, { body: { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: false } });
    m.on('GET', `${API_BASE}/git/ref/heads%2Fmain`, { body: t.git.refJson('main', head) });
    await serveTarball(m, head, headFiles);
    for (const s of STAGES) t.git.expectRead(m, `rendered/${s}`);
    m.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'web' })] });
    m.on('GET', `${API_BASE}/pulls/41/reviews?per_page=100`, { body: [reviewJson('m-schulz', 'APPROVED', PR_HEAD, '2026-05-04T09:30:00Z')] });
    expectMergeDecision(t, { mergeSha: head, number: 41 });
    t.git.expectWrite(m, 'rendered/schulung');
    m.on('POST', `${API_BASE}/deployments`, { status: 201, body: { id: 9100, sha: head, ref: head, environment: 'schulung/wohngeld' } });
    m.on('POST', `${API_BASE}/deployments/9100/statuses`, { status: 201, body: { id: 1, state: 'queued' } });
    // the rendered Schulung branch named `base` before: the lost push went from base to head
    await serveTarball(m, base, baseFiles());
    expectPromotionPr(t);
    m.on('GET', `${API_BASE}/pulls?state=open&per_page=100`, { body: [{ number: 7, state: 'open', user: userJson('dev-anna'), head: { sha: 'c'.repeat(40) }, base: { sha: head, ref: 'main' }, labels: [] }] });

    const evaluated: PullRequestTarget[] = [];
    let clock = Date.parse('2026-05-04T10:00:00Z');
    const reconciler = new Reconciler({
      app: t.probot,
      log: silentLogger,
      deps: { cache: new LruSnapshotCache(), limits: DEFAULT_ARCHIVE_LIMITS, identity: async () => ({ id: 123, slug: 'freigabe' }) },
      evaluate: async (_octokit, target) => {
        evaluated.push(target);
      },
      now: () => clock,
    });
    // two ticks asked for at once are one pass
    const first = reconciler.tick();
    expect(reconciler.tick()).toBe(first);
    await first;

    for (const s of STAGES.filter((s) => s !== 'schulung')) expect(t.git.refs.get(`rendered/${s}`)).toBe(before.get(s));
    const log = t.git.log('rendered/schulung');
    expect(log).toHaveLength(2);
    expect(parseTrailers(log[0].message)).toMatchObject({ source: head, pullRequest: 'itdz/estate#41', stage: 'schulung', approvedBy: [{ login: 'm-schulz' }] });
    expect(t.git.files('rendered/schulung')).toEqual(renderedStages(headFiles).get('schulung'));
    expect(evaluated.map((e) => [e.number, e.headSha, e.defaultBranch])).toEqual([[7, 'c'.repeat(40), 'main']]);
    // the promotion pull request for Produktion, on top of head, asking the VV for review
    expect(t.git.head(PROMOTE_BRANCH)?.parents).toEqual([head]);
    expect(t.git.files(PROMOTE_BRANCH).get(`${WOHNGELD}/produktion.yaml`)).toContain(`sha256:${DIGEST.d}`);
    const [opened] = m.find('POST', `${API_BASE}/pulls`);
    expect((opened.body as { head: string; base: string }).head).toBe(PROMOTE_BRANCH);
    const [asked] = m.find('POST', `${API_BASE}/pulls/50/requested_reviewers`);
    expect((asked.body as { reviewers: string[] }).reviewers).toContain('m-schulz');

    // 30 minutes later: not due yet (reconcileIntervalMinutes defaults to 60)
    clock += 30 * 60_000;
    const requests = m.requests.length;
    await reconciler.tick();
    expect(m.requests.slice(requests).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /app/installations?per_page=100', 'GET /installation/repositories?per_page=100']);
    reconciler.stop();
  });

  test('start() runs a first pass at once and keeps no timer that holds the process', async () => {
    let passes = 0;
    const reconciler = new Reconciler({
      app: { auth: async () => { passes++; throw Object.assign(new Error('no credentials'), { status: 401 }); } },
      log: silentLogger,
      deps: { cache: new LruSnapshotCache(), limits: DEFAULT_ARCHIVE_LIMITS },
    });
    reconciler.start();
    reconciler.start();
    await reconciler.tick();
    expect(passes).toBe(1);
    reconciler.stop();
  });
});
