/**
 * Issue 11 after the merge: freigabe's own branches. A promotion branch whose head freigabe did
 * not make is not taken as its proposal, however well its parent and trailer are forged; the
 * person who ran `/freigabe promote` is recorded in freigabe's own commit.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { requestersOf } from '../../src/github/contributor-facts.js';
import { collaboratorPermission } from '../github/app-harness.js';
import { DIGEST, PROMOTE_BRANCH, WOHNGELD, withSchulung } from './fixture.js';
import { API_BASE, commentEvent, commitEstate, createPublishApp, OWNER, REPO, serveTarball, type PublishTestApp } from './harness.js';

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
