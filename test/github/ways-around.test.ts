/**
 * Issue 11 through the app: the attacks on the Freigabe that need GitHub's view of a commit —
 * check runs shared by pull requests with one head, who pushed, unlinked commits, dismissed
 * requests for changes, promotion commits. Webhook payloads from @octokit/webhooks-examples,
 * every request checked against GitHub's REST description.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { APPROVAL_CHECK, VALIDATION_CHECK } from '../../src/github/pull-request/checks.js';
import { BASE_SHA, BOT_EMAIL, checkRun, checkRuns, createTestApp, HEAD_SHA, OWNER, pullRequestEvent, pullResponse, REPO, reviewEvent, type TestApp } from './app-harness.js';
import { baseEstate, booking, DIGEST_V2, verfahren } from './estate-fixture.js';

const PR = `/repos/${OWNER}/${REPO}`;
const PROMOTION_FILE = 'environments/verfahren/wohngeld/abnahme.yaml';
const promotion = (base = baseEstate()) => ({ ...base, [PROMOTION_FILE]: booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) });
const APPROVED = { login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA } as const;

let t: TestApp;
afterEach(() => t?.mock.verify());

describe('check runs cannot be borrowed by another pull request with the same head', () => {
  test('attack: a pull request into another branch, where the head changes nothing, cannot post the protected names', async () => {
    t = await createTestApp();
    // Into b2 the head commit changes nothing: before the fix, `freigabe/approval` success on X.
    await t.pr.expectEvaluation({ settings: null, tarballs: { [BASE_SHA]: promotion(), [HEAD_SHA]: promotion() }, reads: false, commentListOnly: true, baseIsDefault: false });
    await t.probot.receive(pullRequestEvent('opened', { baseRef: 'b2' }));
    const names = checkRuns(t.mock).map((r) => r.name);
    expect(names).toEqual([`${VALIDATION_CHECK} (into b2)`, `${APPROVAL_CHECK} (into b2)`]);
    expect(names).not.toContain(APPROVAL_CHECK);
    expect(checkRun(t.mock, `${APPROVAL_CHECK} (into b2)`).conclusion).toBe('success');
  });

  test('attack: an approved pull request into main cannot turn the head green while another one into main with that head is not approved', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    // #8: the same head commit, opened by the VV herself — her approval does not count there.
    const decoy = { ...pullResponse({ author: 'm-schulz', headRef: 'copy' }), number: 8 };
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, shared: [decoy] });
    t.mock.on('GET', `${PR}/pulls/8/reviews?per_page=100`, { body: [{ id: 1, node_id: 'R', user: { login: 'm-schulz', id: 1, node_id: 'U', avatar_url: '', gravatar_id: '', url: '', html_url: '', type: 'User', site_admin: false }, body: '', state: 'APPROVED', commit_id: HEAD_SHA, html_url: '', pull_request_url: '', author_association: 'MEMBER', submitted_at: '2026-05-04T09:30:00Z', _links: { html: { href: '' }, pull_request: { href: '' } } }] });
    t.mock.on('GET', `${PR}/pulls/8/commits?per_page=100`, { body: [] });
    t.mock.on('GET', `${PR}/activity?ref=${encodeURIComponent('refs/heads/copy')}&per_page=100`, { body: [] });
    await t.probot.receive(reviewEvent('submitted', APPROVED));

    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.head_sha).toBe(HEAD_SHA);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.title).toMatch(/^#8: /);
    expect(approval.output.summary).toContain('Pull Request #8');
    expect(checkRun(t.mock, VALIDATION_CHECK).conclusion).toBe('success');
  });
});

describe('who pushed counts as a contributor', () => {
  test('attack: the VV pushes to the author’s branch (the synchronize sender) and approves — not released', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    t.pr.pushes = [];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(pullRequestEvent('synchronize', {}, { sender: { login: 'm-schulz', id: 42, type: 'User' } }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
  });

  test('attack: the VV pushed earlier (repository activity of the branch) and approves now — not released', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    t.pr.pushes = ['dev-anna', 'm-schulz'];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(reviewEvent('submitted', APPROVED));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
  });

  test('only the author pushed: the VV’s approval releases the change', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(reviewEvent('submitted', APPROVED));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('success');
  });
});

describe('unknown contributors fail closed', () => {
  test('attack: a commit whose e-mail GitHub cannot link (author null) — the check fails and says what to do', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    t.pr.commits = [{ author: null, committer: null }];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(reviewEvent('submitted', APPROVED));
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain('Vier-Augen-Prinzip nicht prüfbar');
    expect(approval.output.summary).toContain('git commit --amend --reset-author');
  });

  test('attack: more commits than GitHub lists (the pull request says 300) — fails closed', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(pullRequestEvent('opened', { commits: 300 }));
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain('300 Commits');
  });
});

describe('a request for changes cannot be dismissed away', () => {
  test('attack: another writer dismisses the VV’s request for changes; the second VV approves — still blocked', async () => {
    t = await createTestApp();
    const base = { ...baseEstate(), 'environments/verfahren/wohngeld/verfahren.yaml': verfahren('wohngeld', ['m-schulz', 'a-nowak']) };
    t.pr.reviews.push({ login: 'a-nowak', state: 'DISMISSED', commitId: HEAD_SHA }, { ...APPROVED });
    const timeline = [{ event: 'review_dismissed', dismissed_review: { state: 'changes_requested', review_id: 500, dismissal_message: 'erledigt' } }];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: base, [HEAD_SHA]: promotion(base) }, timeline });
    await t.probot.receive(reviewEvent('submitted', APPROVED));
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain('a-nowak');
  });
});

describe('the promotion requester', () => {
  const promotionCommit = (requester: string, own: boolean) => ({
    author: own ? 'freigabe[bot]' : 'j-becker',
    committer: own ? 'freigabe[bot]' : 'j-becker',
    own,
    message: `Promotion wohngeld → Abnahme\n\nFreigabe-Source: ${BASE_SHA}\nFreigabe-Stage: abnahme\nFreigabe-Requested-By: ${requester}\n`,
  });

  test('attack: the VV who ran /freigabe promote approves the promotion — does not count (from freigabe’s own commit)', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    t.pr.commits = [promotionCommit('m-schulz', true)];
    t.pr.pushes = ['freigabe[bot]'];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, headRef: 'freigabe/promote/wohngeld/abnahme' });
    await t.probot.receive(pullRequestEvent('opened', { author: 'freigabe[bot]', headRef: 'freigabe/promote/wohngeld/abnahme' }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
    expect(BOT_EMAIL).toMatch(/^\d+\+freigabe\[bot\]@/);
  });

  test('a requester trailer in someone else’s commit is not believed (but that someone is a contributor)', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ ...APPROVED });
    // A forged trailer naming the VV would not exclude her; the commit's author j-becker is excluded anyway.
    t.pr.commits = [promotionCommit('m-schulz', false)];
    t.pr.pushes = ['j-becker'];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, headRef: 'freigabe/promote/wohngeld/abnahme' });
    await t.probot.receive(pullRequestEvent('opened', { author: 'freigabe[bot]', headRef: 'freigabe/promote/wohngeld/abnahme' }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('success');
  });
});

describe('the app’s identity', () => {
  test('read once with GET /app when not configured: its bot’s verified commit names the requester', async () => {
    t = await createTestApp({ identity: undefined });
    t.mock.on('GET', '/app', { body: { id: 123, slug: 'freigabe', node_id: 'A', owner: null, name: 'freigabe', description: '', external_url: '', html_url: '', created_at: '', updated_at: '', permissions: {}, events: [] } });
    t.pr.reviews.push({ ...APPROVED });
    t.pr.commits = [{ author: 'freigabe[bot]', committer: 'freigabe[bot]', own: true, message: `Promotion\n\nFreigabe-Stage: abnahme\nFreigabe-Requested-By: m-schulz\n` }];
    t.pr.pushes = ['freigabe[bot]'];
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, headRef: 'freigabe/promote/wohngeld/abnahme' });
    await t.probot.receive(pullRequestEvent('opened', { author: 'freigabe[bot]', headRef: 'freigabe/promote/wohngeld/abnahme' }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
    expect(t.mock.find('GET', '/app')).toHaveLength(1);
  });
});
