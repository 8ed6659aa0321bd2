/**
 * After the merge, end to end through the Probot app: a `push` webhook (from
 * @octokit/webhooks-examples) → rendered branches, audit trailers, deployments and the
 * promotion pull request; every request checked against GitHub's REST description by the
 * strict mock, the Git Data API served by an in-memory git.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { parseTrailers } from '../../src/core/publication.js';
import { promotionMarker } from '../../src/core/promotion-proposal.js';
import { DIGEST, PR_HEAD, PROMOTE_BRANCH, STAGES, WOHNGELD, fixtureFiles, withDigest, withSchulung } from './fixture.js';
import { unprocessable } from './git-server.js';
import {
  API_BASE,
  commitEstate,
  createPublishApp,
  expectDeployments,
  expectMergeDecision,
  expectPromotionPr,
  labelEvent,
  mergedPull,
  OWNER,
  pushEvent,
  renderedStages,
  reviewJson,
  seedRendered,
  serveTarball,
  type PublishTestApp,
} from './harness.js';


let t: PublishTestApp;
afterEach(() => t?.mock.verify());

const baseFiles = () => fixtureFiles();

function expectPullLookup(sha: string, pull: ReturnType<typeof mergedPull>, reviews: unknown[]): void {
  t.mock.on('GET', `${API_BASE}/commits/${sha}/pulls?per_page=100`, { body: [pull] });
  t.mock.on('GET', `${API_BASE}/pulls/${pull.number}/reviews?per_page=100`, { body: reviews });
  const notfall = pull.labels.some((l) => l.name === 'notfall');
  expectMergeDecision(t, {
    mergeSha: sha,
    number: pull.number,
    commits: [{ author: pull.user.login, committer: 'web-flow' }],
    pushes: [pull.user.login],
    timeline: pull.labels.map((l) => labelEvent('labeled', l.name, '2026-05-04T09:00:00Z')),
    ...(notfall ? { teams: { 'itdz/plattform': ['p-kraus'] } } : {}),
  });
}

/** The estate at base and head on `main`, rendered branches published from base. */
function setup(headFiles: Record<string, string>): { base: string; head: string } {
  const base = commitEstate(t.git, baseFiles());
  seedRendered(t.git, baseFiles(), base);
  const head = commitEstate(t.git, headFiles, [base], 'Merge pull request #41');
  return { base, head };
}

describe('publication on push', () => {
  test('merge → exactly the changed stage gets one commit with trailers and files; deployment; promotion pull request for Produktion', async () => {
    t = await createPublishApp();
    const headFiles = withSchulung(DIGEST.d);
    const { base, head } = setup(headFiles);
    const before = new Map(STAGES.map((s) => [s, t.git.refs.get(`rendered/${s}`)]));

    await serveTarball(t.mock, head, headFiles);
    t.mock.on('GET', `${API_BASE}/compare/${base}...${head}?per_page=1`, { body: { status: 'ahead', ahead_by: 1, behind_by: 0 } });
    for (const s of STAGES) t.git.expectRead(t.mock, `rendered/${s}`);
    expectPullLookup(head, mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'Wohngeld web 2026.5 in Schulung' }), [
      reviewJson('a-nowak', 'APPROVED', 'o'.repeat(40), '2026-05-04T08:00:00Z', 0),
      reviewJson('m-schulz', 'APPROVED', PR_HEAD, '2026-05-04T09:30:00Z', 1),
    ]);
    t.git.expectWrite(t.mock, 'rendered/schulung');
    expectDeployments(t.mock, 1);
    await serveTarball(t.mock, base, baseFiles());
    expectPromotionPr(t);

    await t.probot.receive(pushEvent(base, head));

    // exactly one new commit, on schulung
    for (const s of STAGES.filter((s) => s !== 'schulung')) expect(t.git.refs.get(`rendered/${s}`)).toBe(before.get(s));
    const log = t.git.log('rendered/schulung');
    expect(log).toHaveLength(2);
    expect(log[0].parents).toEqual([before.get('schulung')]);
    expect(parseTrailers(log[0].message)).toEqual({
      source: head,
      pullRequest: 'itdz/estate#41',
      approvedBy: [{ login: 'm-schulz', at: '2026-05-04T09:30:00Z', sha: PR_HEAD }],
      notfall: false,
      stage: 'schulung',
    });
    expect(log[0].message).toMatch(/^freigabe: Schulung aus [0-9a-f]{12} gerendert \(#41\)\n/);
    // the branch holds exactly what freigabe renders for head
    expect(t.git.files('rendered/schulung')).toEqual(renderedStages(headFiles).get('schulung'));
    expect(t.git.files('rendered/schulung').get('wohngeld/deployment-web.yaml')).toContain(`sha256:${DIGEST.d}`);

    // one deployment: schulung/wohngeld at the rendered commit, digests in the payload, queued
    const [deployment] = t.mock.find('POST', `${API_BASE}/deployments`);
    expect(deployment.body).toMatchObject({
      ref: log[0].sha,
      environment: 'schulung/wohngeld',
      auto_merge: false,
      required_contexts: [],
      production_environment: false,
      payload: {
        source: head,
        rendered: log[0].sha,
        pullRequest: 'itdz/estate#41',
        approvedBy: ['m-schulz'],
        components: [
          { name: 'web', image: `registry.itdz.example/wohngeld/web@sha256:${DIGEST.d}`, digest: `sha256:${DIGEST.d}` },
          { name: 'db', image: `registry.itdz.example/wohngeld/postgres@sha256:${DIGEST.c}`, digest: `sha256:${DIGEST.c}` },
        ],
      },
    });
    const status = t.mock.requests.find((r) => r.path.endsWith('/statuses'))!;
    expect(status.body).toMatchObject({ state: 'queued', description: 'Gerendert nach rendered/schulung; wartet auf Argo CD/Flux.' });

    // the promotion pull request: Produktion gets Schulung's digests, review from the VVs
    const promoted = t.git.head(PROMOTE_BRANCH)!;
    expect(promoted.parents).toEqual([head]);
    const produktion = t.git.files(PROMOTE_BRANCH).get(`${WOHNGELD}/produktion.yaml`)!;
    expect(produktion).toBe(baseFiles()[`${WOHNGELD}/produktion.yaml`].replace(`web@sha256:${DIGEST.a}`, `web@sha256:${DIGEST.d}`));
    const [pr] = t.mock.find('POST', `${API_BASE}/pulls`);
    expect(pr.body).toMatchObject({ head: PROMOTE_BRANCH, base: 'main', title: 'Promotion wohngeld nach Produktion: web' });
    const body = (pr.body as { body: string }).body;
    expect(body).toContain(promotionMarker('wohngeld', 'produktion'));
    expect(body).toContain(`| web | \`sha256:${DIGEST.a}\` | \`sha256:${DIGEST.d}\` |`);
    expect(body).toContain('[itdz/estate#41](https://github.com/itdz/estate/pull/41)');
    const [reviewers] = t.mock.find('POST', `${API_BASE}/pulls/50/requested_reviewers`);
    expect(reviewers.body).toEqual({ reviewers: ['m-schulz', 'a-nowak'] });
  });

  test('re-delivery of the same push → no new commit, no deployment, the promotion pull request left as it is', async () => {
    t = await createPublishApp();
    const headFiles = withSchulung(DIGEST.d);
    const { base, head } = setup(headFiles);
    // first delivery (as in the test above)
    await serveTarball(t.mock, head, headFiles);
    t.mock.on('GET', `${API_BASE}/compare/${base}...${head}?per_page=1`, { body: { status: 'ahead' } }, { times: 2 });
    for (const s of STAGES) t.git.expectRead(t.mock, `rendered/${s}`);
    expectPullLookup(head, mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'x' }), []);
    t.git.expectWrite(t.mock, 'rendered/schulung');
    expectDeployments(t.mock, 1);
    await serveTarball(t.mock, base, baseFiles());
    expectPromotionPr(t);
    const event = pushEvent(base, head);
    await t.probot.receive(event);
    const heads = new Map(STAGES.map((s) => [s, t.git.refs.get(`rendered/${s}`)]));
    const promoteHead = t.git.refs.get(PROMOTE_BRANCH);
    const requests = t.mock.requests.length;

    // second delivery: snapshots come from the cache; schulung's head names the source (2 calls);
    // the others are compared by tree; the promotion branch already proposes this head
    t.git.expectHeadOnly(t.mock, 'rendered/schulung');
    for (const s of STAGES.filter((s) => s !== 'schulung')) t.git.expectRead(t.mock, `rendered/${s}`);
    t.mock.on('GET', `${API_BASE}/git/ref/${t.git.enc(PROMOTE_BRANCH)}`, () => ({ body: t.git.refJson(PROMOTE_BRANCH, t.git.refs.get(PROMOTE_BRANCH)!) }));
    t.mock.on('GET', `${API_BASE}/git/commits/${promoteHead}`, { body: t.git.commitJson(promoteHead!) });
    t.mock.on('GET', `${API_BASE}/pulls?head=${encodeURIComponent(`${OWNER}:${PROMOTE_BRANCH}`)}&state=open&per_page=10`, { body: [{ number: 50, html_url: '' }] });
    await t.probot.receive({ ...event, id: 'redelivery' });

    for (const s of STAGES) expect(t.git.refs.get(`rendered/${s}`)).toBe(heads.get(s));
    expect(t.git.refs.get(PROMOTE_BRANCH)).toBe(promoteHead);
    const second = t.mock.requests.slice(requests);
    expect(second.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(second.some((r) => r.path.includes('/tarball/'))).toBe(false);
  });

  test('concurrent ref update: the first PATCH is rejected as not a fast-forward → re-read, retried on top, nothing lost', async () => {
    t = await createPublishApp();
    const headFiles = withSchulung(DIGEST.d);
    const { base, head } = setup(headFiles);
    const seeded = t.git.refs.get('rendered/schulung')!;
    let concurrent = '';

    await serveTarball(t.mock, head, headFiles);
    t.mock.on('GET', `${API_BASE}/compare/${base}...${head}?per_page=1`, { body: { status: 'ahead' } });
    for (const s of STAGES) t.git.expectRead(t.mock, `rendered/${s}`);
    t.git.expectRead(t.mock, 'rendered/schulung'); // the re-read
    expectPullLookup(head, mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'x', labels: ['notfall'] }), []);
    t.git.expectTree(t.mock, 2).expectCommit(t.mock, 2);
    let patches = 0;
    t.git.expectUpdateRef(t.mock, 'rendered/schulung', {
      times: 2,
      before: () => {
        if (patches++ > 0) return;
        // Someone else moves the branch between our read and our update: a commit that adds a note.
        const files = new Map(t.git.trees.get(t.git.head('rendered/schulung')!.tree)!);
        files.set('_bootstrap/README.txt', t.git.blob('Bootstrap: see the README of freigabe.\n'));
        concurrent = t.git.commit(t.git.tree(files), [seeded], 'ops: note');
        t.git.refs.set('rendered/schulung', concurrent);
      },
    });
    expectDeployments(t.mock, 1);
    await serveTarball(t.mock, base, baseFiles());
    expectPromotionPr(t);

    await t.probot.receive(pushEvent(base, head));

    const log = t.git.log('rendered/schulung');
    expect(log.map((c) => c.sha).slice(1)).toEqual([concurrent, seeded]);
    expect(parseTrailers(log[0].message)).toMatchObject({ source: head, notfall: true, stage: 'schulung' });
    expect(t.git.files('rendered/schulung')).toEqual(renderedStages(headFiles).get('schulung'));
    // the rejected first attempt: a 422 that the description allows, and no force anywhere
    const patchesSent = t.mock.find('PATCH', `${API_BASE}/git/refs/${t.git.enc('rendered/schulung')}`);
    expect(patchesSent).toHaveLength(2);
    expect(patchesSent.every((r) => (r.body as { force: boolean }).force === false)).toBe(true);
    // no blob per file: the content goes inline into the tree request
    expect(t.mock.find('POST', `${API_BASE}/git/blobs`)).toHaveLength(0);
    expect(t.logs.join('')).toContain('rendered branch moved concurrently');
  });

  test('a late delivery of an older push is not published over the newer one', async () => {
    t = await createPublishApp();
    const { base, head } = setup(withSchulung(DIGEST.d));
    // head is already published everywhere; base arrives late
    seedRendered(t.git, withSchulung(DIGEST.d), head);
    t.mock.on('GET', `${API_BASE}/compare/${head}...${base}?per_page=1`, { body: { status: 'behind' } });
    for (const s of STAGES) t.git.expectHeadOnly(t.mock, `rendered/${s}`);
    await serveTarball(t.mock, base, baseFiles());
    const rootCommit = commitEstate(t.git, baseFiles());
    void rootCommit;
    await t.probot.receive(pushEvent('0'.repeat(40), base));
    expect(t.mock.requests.filter((r) => r.method !== 'GET' && !r.path.includes('access_tokens'))).toEqual([]);
    expect(t.logs.join('')).toContain('older source commit');
  });

  test('pushes to other branches and tag pushes are not published (a branch push only reads the settings: is it a rendered branch?)', async () => {
    t = await createPublishApp();
    t.mock.on('GET', `${API_BASE}/contents/.github%2Ffreigabe.yml?ref=main`, { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } });
    await t.probot.receive(pushEvent('1'.repeat(40), '2'.repeat(40), 'refs/heads/feature'));
    await t.probot.receive(pushEvent('1'.repeat(40), '2'.repeat(40), 'refs/tags/v1'));
    expect(t.mock.apiRequests().filter((r) => r.path.startsWith('/repos/')).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/itdz/estate/contents/.github%2Ffreigabe.yml?ref=main']);
  });
});

describe('promotion pull request refreshed', () => {
  test('second merge to Schulung → the same promotion pull request is updated, branch reset to the new head', async () => {
    t = await createPublishApp();
    const first = withSchulung(DIGEST.d);
    const { base, head } = setup(first);
    // state after the first merge: schulung published, the promotion branch and its PR #50 exist
    seedRendered(t.git, first, head);
    const oldPromotion = t.git.seed(PROMOTE_BRANCH, { stale: 'x' }, 'Promotion wohngeld nach Produktion: web\n\nFreigabe-Source: x\nFreigabe-Stage: produktion\n', [head]);
    void base;

    const secondFiles = withSchulung(DIGEST.e);
    const second = commitEstate(t.git, secondFiles, [head], 'Merge pull request #42');
    await serveTarball(t.mock, second, secondFiles);
    t.mock.on('GET', `${API_BASE}/compare/${head}...${second}?per_page=1`, { body: { status: 'ahead' } });
    for (const s of STAGES) t.git.expectRead(t.mock, `rendered/${s}`);
    expectPullLookup(second, mergedPull({ number: 42, mergeSha: second, headSha: PR_HEAD, author: 'm-schulz', title: 'web 2026.6' }), []);
    t.git.expectWrite(t.mock, 'rendered/schulung');
    expectDeployments(t.mock, 1);
    await serveTarball(t.mock, head, first);
    expectPromotionPr(t, { existing: 50 });

    await t.probot.receive(pushEvent(head, second));

    const promoted = t.git.head(PROMOTE_BRANCH)!;
    expect(promoted.sha).not.toBe(oldPromotion);
    expect(promoted.parents).toEqual([second]);
    expect(t.git.files(PROMOTE_BRANCH).get(`${WOHNGELD}/produktion.yaml`)).toContain(`web@sha256:${DIGEST.e}"   # Release 2024.3`);
    expect(t.git.files(PROMOTE_BRANCH).has('stale')).toBe(false);
    const [patch] = t.mock.find('PATCH', `${API_BASE}/git/refs/${t.git.enc(PROMOTE_BRANCH)}`);
    expect((patch.body as { force: boolean }).force).toBe(true);
    expect(t.mock.find('POST', `${API_BASE}/pulls`)).toEqual([]);
    const [update] = t.mock.find('PATCH', `${API_BASE}/pulls/50`);
    expect((update.body as { body: string }).body).toContain(`\`sha256:${DIGEST.e}\``);
    expect((update.body as { body: string }).body).toContain('itdz/estate#42');
    // the author of the change (a VV herself) is not asked to review it
    const [reviewers] = t.mock.find('POST', `${API_BASE}/pulls/50/requested_reviewers`);
    expect(reviewers.body).toEqual({ reviewers: ['a-nowak'] });
  });
});

