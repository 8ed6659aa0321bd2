/**
 * GitHub's write budget: the GitHub-shaped fake (write spacing, 80 a minute, 500 an hour, 403
 * with GitHub's secondary-rate-limit answer), and the app's one write path through Probot's
 * throttling with real one-second spacing: secondary limits are waited out and retried, and
 * pull-request feedback goes before queued bulk publication work. The real-spacing tests make
 * a few writes only (a few seconds); the hourly budget is shown on the virtual clock.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, test } from 'vitest';
import { withWritePriority, FreigabeOctokit, writePriority } from '../../src/github/platform/write-budget.js';
import { APPROVAL_CHECK, VALIDATION_CHECK } from '../../src/github/pull-request/checks.js';
import { BASE_SHA, HEAD_SHA, createTestApp, pullRequestEvent, type TestApp } from './app-harness.js';
import { baseEstate, booking, DIGEST_V2 } from './estate-fixture.js';
import { GitHubBudget, SECONDARY_RATE_LIMIT_MESSAGE } from './github-budget.mjs';
import { GitHubMock } from './openapi-mock.js';

let mock: GitHubMock | undefined;
let app: TestApp | undefined;
afterEach(() => {
  mock?.verify();
  app?.mock.verify();
  mock = undefined;
  app = undefined;
});

const plain = () => new Octokit({ auth: 'ghs_throwaway', request: { retries: 0 } });
/** The app's Octokit class with a token, as Probot builds one per installation (same throttle id). */
const freigabe = (id: string) => new FreigabeOctokit({ auth: { token: 'ghs_throwaway' }, throttle: { id }, retry: { enabled: false } } as never) as unknown as Octokit;
const blob = { status: 201, body: { sha: 'a'.repeat(40), url: '' } };

describe('the GitHub-shaped budget fake', () => {
  test('virtual clock: 500 writes fill the hour (one a second never reaches 80 a minute); the 501st gets 403 with retry-after', async () => {
    mock = new GitHubMock();
    const budget = new GitHubBudget({ clock: 'virtual' });
    mock.gate = budget;
    mock.on('POST', '/repos/o/r/git/blobs', blob, { times: 501 });
    const octokit = plain();
    for (let i = 0; i < 500; i++) await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content: `${i}` });
    expect(budget.elapsedMs).toBe(499_000);
    expect(budget.peak(60_000)).toBe(60);

    const refused = await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content: 'one too many' }).catch((e: { status: number; message: string; response: { headers: Record<string, string> } }) => e);
    expect(refused).toMatchObject({ status: 403 });
    const error = refused as { message: string; response: { headers: Record<string, string> } };
    expect(error.message).toContain('secondary rate limit');
    expect(Number(error.response.headers['retry-after'])).toBe(3_600 - 500);
    expect(budget.refusals.map((r) => r.reason)).toEqual(['hour']);

    // after the wait GitHub asked for, the same request goes through
    budget.advance(3_100_000);
    await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content: 'one too many' });
    expect(budget.writes).toHaveLength(501);
  });

  test('real clock: two writes without spacing → the second is refused as GitHub does (403, message, retry-after); reads are free', async () => {
    mock = new GitHubMock();
    const budget = new GitHubBudget();
    mock.gate = budget;
    mock.on('POST', '/repos/o/r/git/blobs', blob, { times: 2 });
    mock.on('GET', '/repos/o/r/git/blobs/' + 'a'.repeat(40), { body: { sha: 'a'.repeat(40), content: '', encoding: 'base64', url: '', size: 0, node_id: '' } }, { times: 3 });
    const octokit = plain();
    await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content: 'a' });
    for (let i = 0; i < 3; i++) await octokit.rest.git.getBlob({ owner: 'o', repo: 'r', file_sha: 'a'.repeat(40) });
    const refused = (await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content: 'b' }).catch((e: unknown) => e)) as { status: number; response: { data: { message: string }; headers: Record<string, string> } };
    expect(refused.status).toBe(403);
    expect(refused.response.data.message).toBe(SECONDARY_RATE_LIMIT_MESSAGE);
    expect(refused.response.headers['retry-after']).toBe('1');
    expect(budget.refusals.map((r) => r.reason)).toEqual(['spacing']);
    mock.dispose(); // the refused write's expectation is still open: the client gave up
    mock = undefined;
  });
});

describe('the app’s write path (Probot throttling, real one-second spacing)', () => {
  test('a secondary-rate-limit answer is waited out (retry-after) and retried, not lost', async () => {
    mock = new GitHubMock();
    // a 3-second "minute" with room for 2 writes: the third must wait for the window
    const budget = new GitHubBudget({ perMinute: 2, minuteMs: 3_000 });
    mock.gate = budget;
    mock.on('POST', '/repos/o/r/git/blobs', blob, { times: 3 });
    const octokit = freigabe('secondary');
    for (const content of ['a', 'b', 'c']) await octokit.rest.git.createBlob({ owner: 'o', repo: 'r', content });
    expect(budget.refusals.map((r) => r.reason)).toEqual(['minute']);
    expect(budget.writes).toHaveLength(3);
  });

  test('pull-request feedback goes before queued bulk publication writes', async () => {
    mock = new GitHubMock();
    const budget = new GitHubBudget();
    mock.gate = budget;
    mock.on('POST', '/repos/o/r/git/trees', { status: 201, body: { sha: 'b'.repeat(40), url: '', tree: [], truncated: false } }, { times: 4 });
    mock.on('POST', '/repos/o/r/check-runs', { status: 201, body: { id: 1 } });
    const publication = freigabe('priority');
    const pullRequest = freigabe('priority');

    const bulk = withWritePriority('bulk', () => {
      expect(writePriority()).toBe('bulk');
      return Promise.all([1, 2, 3, 4].map((i) => publication.rest.git.createTree({ owner: 'o', repo: 'r', tree: [{ path: `f${i}.yaml`, mode: '100644', type: 'blob', content: `${i}` }] })));
    });
    await new Promise((r) => setTimeout(r, 100)); // the publication's writes are queued
    expect(writePriority()).toBe('feedback');
    const feedback = pullRequest.rest.checks.create({ owner: 'o', repo: 'r', name: 'freigabe/validation', head_sha: 'c'.repeat(40), status: 'completed', conclusion: 'success', output: { title: 't', summary: 's' } });
    await Promise.all([bulk, feedback]);

    const order = budget.writes.map((w) => w.path.split('/').pop());
    // Only what the write queue had already started goes first: the write under way and the one
    // it has already timed for the next second. In arrival order the check run would be last.
    expect(order.indexOf('check-runs')).toBeLessThanOrEqual(2);
    expect(order.filter((p) => p === 'trees')).toHaveLength(4);
    expect(budget.refusals).toEqual([]);
  });

  test('the whole app with FreigabeOctokit: a first evaluation is 4 spaced writes, none refused', async () => {
    app = await createTestApp({}, { Octokit: FreigabeOctokit as never });
    const budget = new GitHubBudget();
    app.mock.gate = budget;
    const head = { ...baseEstate(), 'environments/verfahren/wohngeld/abnahme.yaml': booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) };
    await app.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: head }, reviewRequest: true });
    await app.probot.receive(pullRequestEvent('opened'));
    expect(budget.refusals).toEqual([]);
    expect(budget.writes.map((w) => `${w.method} ${w.path.split('?')[0].split('/').slice(4).join('/')}`)).toEqual([
      'POST issues/7/comments',
      'POST check-runs',
      'POST check-runs',
      'POST pulls/7/requested_reviewers',
    ]);
    expect(app.pr.runs.map((r) => r.name)).toEqual([VALIDATION_CHECK, APPROVAL_CHECK]);
  });
});
