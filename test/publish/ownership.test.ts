/**
 * Issue 11 after the merge: freigabe's own branches. A promotion branch whose head freigabe did
 * not make is not taken as its proposal, however well its parent and trailer are forged; the
 * person who ran `/freigabe promote` is recorded in freigabe's own commit.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { parseTrailers } from '../../src/core/publication.js';
import { requestersOf } from '../../src/github/pull-request/contributor-facts.js';
import { securityCounters } from '../../src/github/publication/security-events.js';
import { collaboratorPermission } from '../github/app-harness.js';
import { DIGEST, PR_HEAD, PROMOTE_BRANCH, STAGES, WOHNGELD, fixtureFiles, withDigest, withSchulung } from './fixture.js';
import {
  API_BASE,
  commentEvent,
  commitEstate,
  createPublishApp,
  expectDeployments,
  expectMergeDecision,
  labelEvent,
  mergedPull,
  OWNER,
  pushEvent,
  renderedStages,
  REPO,
  reviewJson,
  seedRendered,
  serveTarball,
  type PublishTestApp,
} from './harness.js';

let t: PublishTestApp;
afterEach(() => t?.mock.verify());

/** Every request of `/freigabe promote wohngeld produktion` by j-becker when the branch exists with an open pull request #51. */
async function expectPromote(head: string, files: Record<string, string>, options: { rewrite: boolean }) {
  const m = t.mock;
  m.on('GET', `${API_BASE}/collaborators/j-becker/permission`, collaboratorPermission('j-becker', 'write'));
  m.on('GET', `${API_BASE}/git/ref/heads%2Fmain`, { body: t.git.refJson('main', head) });
  await serveTarball(m, head, files);
  m.on('GET', `${API_BASE}/git/ref/${t.git.enc(PROMOTE_BRANCH)}`, () => ({ body: t.git.refJson(PROMOTE_BRANCH, t.git.refs.get(PROMOTE_BRANCH)!) }));
  m.on('GET', new RegExp(`^${API_BASE}/git/commits/[0-9a-f]{40}$`), (r) => ({ body: t.git.commitJson(r.path.split('/').pop()!) }), { times: options.rewrite ? 2 : 1 });
  if (options.rewrite) t.git.expectTree(m).expectCommit(m).expectUpdateRef(m, PROMOTE_BRANCH);
  m.on('GET', `${API_BASE}/pulls?head=${encodeURIComponent(`${OWNER}:${PROMOTE_BRANCH}`)}&state=open&per_page=10`, { body: [{ number: 51, html_url: `https://github.com/${OWNER}/${REPO}/pull/51`, state: 'open' }] });
  if (options.rewrite) {
    m.on('PATCH', `${API_BASE}/pulls/51`, { body: { number: 51 } });
    m.on('POST', `${API_BASE}/pulls/51/requested_reviewers`, { status: 201, body: { number: 51 } });
  }
  m.on('POST', `${API_BASE}/issues/7/comments`, { status: 201, body: { id: 1 } });
}

describe('promotion branches freigabe owns', () => {
  test('attack: a hand-made head with the right parent and trailer is not taken as freigabe’s proposal — it is replaced', async () => {
    t = await createPublishApp();
    const files = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, files);
    // Mallory's commit: parent = default-branch head, trailer names the stage, content of her choice.
    const forged = t.git.seed(PROMOTE_BRANCH, { ...files, [`${WOHNGELD}/produktion.yaml`]: 'forged' }, `Promotion\n\nFreigabe-Source: ${head}\nFreigabe-Stage: produktion\n`, [head], false);
    await expectPromote(head, files, { rewrite: true });
    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'j-becker', type: 'User' }));

    const now = t.git.refs.get(PROMOTE_BRANCH)!;
    expect(now).not.toBe(forged);
    expect(t.git.commits.get(now)).toMatchObject({ own: true, parents: [head] });
    expect(t.git.files(PROMOTE_BRANCH).get(`${WOHNGELD}/produktion.yaml`)).toContain(`web@sha256:${DIGEST.d}`);
    expect(t.logs.some((l) => l.includes('not freigabe’s own commit'))).toBe(true);
  });

  test('attack: whoever ran /freigabe promote is written into freigabe’s commit (Freigabe-Requested-By), and a second requester is added', async () => {
    t = await createPublishApp();
    const files = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, files);
    // freigabe's own proposal of this head, asked for by m-schulz earlier.
    t.git.seed(PROMOTE_BRANCH, files, `Promotion\n\nFreigabe-Source: ${head}\nFreigabe-Stage: produktion\nFreigabe-Requested-By: m-schulz\n`, [head], true);
    await expectPromote(head, files, { rewrite: true });
    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'j-becker', type: 'User' }));
    const message = t.git.commits.get(t.git.refs.get(PROMOTE_BRANCH)!)!.message;
    expect(requestersOf(message)).toEqual(['m-schulz', 'j-becker']);
  });

  test('freigabe’s own current proposal that already names the requester is left as it is', async () => {
    t = await createPublishApp();
    const files = withSchulung(DIGEST.d);
    const head = commitEstate(t.git, files);
    const own = t.git.seed(PROMOTE_BRANCH, files, `Promotion\n\nFreigabe-Source: ${head}\nFreigabe-Stage: produktion\nFreigabe-Requested-By: J-Becker\n`, [head], true);
    await expectPromote(head, files, { rewrite: false });
    await t.probot.receive(commentEvent('/freigabe promote wohngeld produktion', 7, { login: 'j-becker', type: 'User' }));
    expect(t.git.refs.get(PROMOTE_BRANCH)).toBe(own);
  });
});

describe('a push to a rendered branch by anyone but freigabe', () => {
  test('attack: a hand-made commit on rendered/produktion is repaired on its own push event and reported', async () => {
    t = await createPublishApp();
    const files = fixtureFiles();
    const head = commitEstate(t.git, files);
    seedRendered(t.git, files, head);
    const published = t.git.refs.get('rendered/produktion')!;
    const tampered = new Map(t.git.files('rendered/produktion'));
    tampered.set('wohngeld/deployment-web.yaml', 'kind: Deployment # replaced by hand\n');
    const foreign = t.git.seed('rendered/produktion', Object.fromEntries(tampered), 'hotfix', [published], false);
    const before = securityCounters.foreignRenderedPushes;

    const m = t.mock;
    m.on('GET', `${API_BASE}/contents/.github%2Ffreigabe.yml?ref=main`, { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } });
    m.on('GET', `${API_BASE}/git/ref/heads%2Fmain`, { body: t.git.refJson('main', head) });
    await serveTarball(m, head, files);
    for (const s of STAGES) t.git.expectRead(m, `rendered/${s}`);
    t.git.expectWrite(m, 'rendered/produktion');
    m.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [] });
    expectDeployments(m, 1);
    m.on('POST', `${API_BASE}/commits/${foreign}/comments`, { status: 201, body: { id: 1 } });

    const push = pushEvent(published, foreign, 'refs/heads/rendered/produktion');
    push.payload.sender = { ...push.payload.sender, login: 'mallory', type: 'User' };
    await t.probot.receive(push);

    const repaired = t.git.head('rendered/produktion')!;
    expect(repaired.parents).toEqual([foreign]);
    expect(repaired.own).toBe(true);
    expect(t.git.files('rendered/produktion')).toEqual(renderedStages(files).get('produktion'));
    const [comment] = m.find('POST', `${API_BASE}/commits/${foreign}/comments`);
    const body = (comment.body as { body: string }).body;
    expect(body).toContain('mallory');
    expect(body).toContain('@itdz/plattform');
    expect(securityCounters.foreignRenderedPushes).toBe(before + 1);
    expect(t.logs.some((l) => l.includes('push to a rendered branch by someone other than freigabe'))).toBe(true);
  });

  test('freigabe’s own pushes to rendered branches are not looked at', async () => {
    t = await createPublishApp();
    const push = pushEvent('1'.repeat(40), '2'.repeat(40), 'refs/heads/rendered/produktion');
    push.payload.sender = { ...push.payload.sender, login: 'freigabe[bot]', type: 'Bot' };
    t.mock.dispose();
    await t.probot.receive(push);
    expect(t.mock.requests).toEqual([]);
    t = undefined as unknown as PublishTestApp;
  });
});

describe('the audit trail holds', () => {
  /** A merge of #41 (head PR_HEAD) to Schulung; reviews and the timeline as given. */
  async function merge(reviews: unknown[], timeline: unknown[], labels: string[] = [], platformTeam = false) {
    const baseFiles = fixtureFiles();
    const base = commitEstate(t.git, baseFiles);
    seedRendered(t.git, baseFiles, base);
    // Abnahme already runs DIGEST.d on the base, so Schulung may follow (no Notfall needed).
    const headFiles = { ...withSchulung(DIGEST.d), [`${WOHNGELD}/abnahme.yaml`]: withDigest('web', DIGEST.d)(baseFiles[`${WOHNGELD}/abnahme.yaml`]) };
    const skipped = withSchulung(DIGEST.d);
    const files = labels.includes('skip') ? skipped : headFiles;
    const head = commitEstate(t.git, files, [base], 'Merge pull request #41');
    const m = t.mock;
    await serveTarball(m, head, files);
    m.on('GET', `${API_BASE}/compare/${base}...${head}?per_page=1`, { body: { status: 'ahead', ahead_by: 1, behind_by: 0 } });
    expectMergeDecision(t, { mergeSha: head, number: 41, timeline, ...(platformTeam ? { teams: { 'itdz/plattform': ['p-kraus'] } } : {}) });
    for (const s of STAGES) t.git.expectRead(m, `rendered/${s}`);
    m.on('GET', `${API_BASE}/commits/${head}/pulls?per_page=100`, { body: [mergedPull({ number: 41, mergeSha: head, headSha: PR_HEAD, author: 'j-becker', title: 'web', labels: labels.filter((l) => l !== 'skip') })] });
    m.on('GET', `${API_BASE}/pulls/41/reviews?per_page=100`, { body: reviews });
    return { base, head, files };
  }

  test('attack: Freigabe-Approved-By named every APPROVED reviewer — now only the approvals that counted', async () => {
    t = await createPublishApp();
    // r-weber is not entitled; j-becker wrote the change (four-eyes); m-schulz is the VV.
    const { base, head, files } = await merge(
      [reviewJson('r-weber', 'APPROVED', PR_HEAD, '2026-05-04T09:10:00Z', 0), reviewJson('j-becker', 'APPROVED', PR_HEAD, '2026-05-04T09:20:00Z', 1), reviewJson('m-schulz', 'APPROVED', PR_HEAD, '2026-05-04T09:30:00Z', 2)],
      [],
    );
    t.git.expectWrite(t.mock, 'rendered/abnahme').expectWrite(t.mock, 'rendered/schulung');
    expectDeployments(t.mock, 2);
    await serveTarball(t.mock, base, fixtureFiles());
    // before = 0…0: no promotion pull requests in this scenario
    await t.probot.receive(pushEvent('0'.repeat(40), head));
    expect(parseTrailers(t.git.head('rendered/schulung')!.message).approvedBy.map((a) => a.login)).toEqual(['m-schulz']);
  });

  /** Schulung gets an image Abnahme never ran: only a Notfalländerung may do that (the platform team is read then). */
  async function publishSkip(timeline: unknown[], labelsNow: string[], notfallAtMerge: boolean) {
    const { head, files } = await merge([reviewJson('m-schulz', 'APPROVED', PR_HEAD, '2026-05-04T09:30:00Z', 0)], timeline, ['skip', ...labelsNow], notfallAtMerge);
    void files;
    t.git.expectWrite(t.mock, 'rendered/schulung');
    expectDeployments(t.mock, 1);
    await serveTarball(t.mock, commitParent(head), fixtureFiles());
    await t.probot.receive(pushEvent('0'.repeat(40), head));
    return parseTrailers(t.git.head('rendered/schulung')!.message);
  }
  const commitParent = (sha: string) => t.git.commits.get(sha)!.parents[0];

  test('attack: the notfall label removed right after the merge — the rendered commit is still marked Notfall', async () => {
    t = await createPublishApp();
    const timeline = [labelEvent('labeled', 'notfall', '2026-05-04T09:00:00Z'), labelEvent('unlabeled', 'notfall', '2026-05-04T10:30:00Z')];
    expect((await publishSkip(timeline, [], true)).notfall).toBe(true);
  });

  test('a notfall label added only after the merge marks nothing', async () => {
    t = await createPublishApp();
    const timeline = [labelEvent('labeled', 'notfall', '2026-05-04T10:30:00Z')];
    expect((await publishSkip(timeline, ['notfall'], false)).notfall).toBe(false);
  });
});
