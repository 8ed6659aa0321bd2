/**
 * The queue's promises through the Probot app (in-process mode, strict OpenAPI mock): a
 * transient GitHub failure delays the evaluation instead of failing it, and a late delivery
 * of an older head never ends as the last word on a pull request.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { APPROVAL_CHECK, VALIDATION_CHECK } from '../../src/github/pull-request/checks.js';
import { createQueue } from '../../src/github/queue/index.js';
import type { JobOutcome } from '../../src/github/queue/types.js';
import { BASE_SHA, checkRuns, createTestApp, HEAD_SHA, OWNER, pullRequestEvent, REPO, type TestApp } from '../github/app-harness.js';
import { baseEstate, booking, DIGEST_V2 } from '../github/estate-fixture.js';

const promotion = () => ({ ...baseEstate(), 'environments/verfahren/wohngeld/abnahme.yaml': booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) });
const silent = pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));

let t: TestApp;
afterEach(() => t?.mock.verify());

describe('through the app', () => {
  test('workers: false (FREIGABE_ROLE=webhooks): the delivery is queued, the queue is never started here, GitHub hears nothing', async () => {
    const queue = createQueue({ log: silent });
    let starts = 0;
    const start = queue.start.bind(queue);
    queue.start = () => {
      starts++;
      start();
    };
    t = await createTestApp({ queue, workers: false, reconcile: true }, { token: false });
    await t.probot.webhooks.receive(pullRequestEvent('opened')); // not the harness's receive: it would wait for the job
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(starts).toBe(0);
    expect((await queue.stats()).find((s) => s.kind === 'evaluate')?.depth).toBe(1);
    expect(t.mock.requests).toEqual([]);
  });

  test('a secondary rate limit on the tarball delays the evaluation (retry-after), no "internal error" is posted, the retry succeeds', async () => {
    const outcomes: JobOutcome[] = [];
    const queue = createQueue({ log: silent, retry: { attempts: 3, baseMs: 50, maxMs: 1000 }, observer: { jobFinished: (_k, o) => outcomes.push(o) } });
    t = await createTestApp({ queue });
    t.mock.on('GET', `/repos/${OWNER}/${REPO}/tarball/${BASE_SHA}`, {
      status: 403,
      headers: { 'retry-after': '1', 'content-type': 'application/json' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' },
    });
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));

    expect(outcomes).toEqual(['retry', 'ok']);
    const runs = checkRuns(t.mock);
    expect(runs.map((r) => r.name).sort()).toEqual([APPROVAL_CHECK, VALIDATION_CHECK]);
    expect(runs.every((r) => r.output?.title !== 'freigabe: interner Fehler / internal error')).toBe(true);
    expect(runs.find((r) => r.name === VALIDATION_CHECK)?.conclusion).toBe('success');
  });

  test('an older head delivered after a newer one is not evaluated: the newer head stays the last word', async () => {
    t = await createTestApp();
    const newHead = 'd'.repeat(40);
    const newer = pullRequestEvent('synchronize', { headSha: newHead });
    newer.payload.pull_request.updated_at = '2026-05-04T09:30:00Z';
    const older = pullRequestEvent('opened');
    older.payload.pull_request.updated_at = '2026-05-04T09:00:00Z';

    await t.pr.expectEvaluation({ headSha: newHead, tarballs: { [BASE_SHA]: baseEstate(), [newHead]: promotion() }, reviewRequest: true });
    await t.probot.receive(newer);
    // the late "opened" (old head): its job evaluates the newest state known (cached archives), never the old head
    await t.pr.expectEvaluation({ headSha: newHead, reviewRequest: true, commentListOnly: true, checks: { create: 0, update: 0 } });
    await t.probot.receive(older);

    // The second evaluation reaches the same result for the same head: no check run is written again.
    const runs = checkRuns(t.mock);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.head_sha)).toEqual([newHead, newHead]);
    expect(t.mock.requests.some((r) => r.path.includes(HEAD_SHA))).toBe(false);
    expect(t.pr.comments[0].body).toContain(newHead.slice(0, 7));
  });

  test('the same delivery twice (a second replica, a retrying proxy): processed once', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    const event = pullRequestEvent('opened');
    await t.probot.receive(event);
    await t.probot.receive(event);
    expect(checkRuns(t.mock)).toHaveLength(2);
  });
});
