/**
 * End-to-end scenarios through the Probot app: webhook in (payloads from
 * @octokit/webhooks-examples), every GitHub request checked against the REST description,
 * check runs, the sticky comment and review requests out.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { APPROVAL_CHECK, VALIDATION_CHECK } from '../../src/github/pull-request/checks.js';
import {
  BASE_SHA,
  APP_ID,
  checkRun,
  checkRunWrites,
  checkRunRerequestedEvent,
  checkSuiteRerequestedEvent,
  checkRuns,
  collaboratorPermission,
  commentEvent,
  createTestApp,
  HEAD_SHA,
  NUMBER,
  OWNER,
  pullRequestEvent,
  REPO,
  reviewEvent,
  SECRET,
  TOKEN,
  type TestApp,
} from './app-harness.js';
import { baseEstate, booking, DIGEST_V2, lineOf, tenant } from './estate-fixture.js';

const PR = `/repos/${OWNER}/${REPO}`;
const PROMOTION_FILE = 'environments/verfahren/wohngeld/abnahme.yaml';
const promotion = () => ({ ...baseEstate(), [PROMOTION_FILE]: booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) });

let t: TestApp;
afterEach(() => t?.mock.verify());

describe('promotion and approval', () => {
  test('promotion without approval: approval check not successful, comment names the VV, review requested', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));

    const validation = checkRun(t.mock, VALIDATION_CHECK);
    expect(validation).toMatchObject({ head_sha: HEAD_SHA, status: 'completed', conclusion: 'success' });
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.title).toBe('1 Freigabe fehlt');
    expect(approval.output.summary).toContain('m-schulz');
    expect(approval.details_url).toMatch(/#issuecomment-\d+$/);

    expect(t.pr.comments).toHaveLength(1);
    const comment = t.pr.comments[0].body;
    expect(comment.startsWith('<!-- freigabe:plan -->')).toBe(true);
    expect(comment).toContain('m-schulz');
    expect(comment).toContain('Abnahme');
    expect(comment).toContain('<details>');
    expect(comment.length).toBeLessThan(65_536);

    const [request] = t.mock.find('POST', `${PR}/pulls/${NUMBER}/requested_reviewers`);
    expect(request.body).toEqual({ reviewers: ['m-schulz'], team_reviewers: [] });
  });

  test('the VV approves the head commit: approval succeeds, no second download, comment updated in place', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));

    t.pr.reviews.push({ login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA });
    const writes = checkRunWrites(t.mock).length;
    // the validation result is the same: only the approval run is updated, in place
    await t.pr.expectEvaluation({ checks: { update: 1 } });
    await t.probot.receive(reviewEvent('submitted', { login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA }));

    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('success');
    expect(checkRunWrites(t.mock).slice(writes).map((r) => r.method)).toEqual(['PATCH']);
    expect(t.pr.runs).toHaveLength(2);
    expect(approval.output.title).toBe('Alle Freigaben liegen vor');
    expect(t.mock.requests.filter((r) => r.path.includes('/tarball/'))).toHaveLength(2);
    expect(t.mock.find('POST', `${PR}/issues/${NUMBER}/comments`)).toHaveLength(1);
    expect(t.mock.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`${PR}/issues/comments/`))).toHaveLength(1);
    expect(t.pr.comments).toHaveLength(1);
    expect(t.pr.comments[0].body).toContain('✅');
  });

  test('a new push that changes the approved content: the approval on the older commit is voided, the output says why, the VV is asked again', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA });
    const newHead = 'd'.repeat(40);
    await t.pr.expectEvaluation({
      // The reviewed commit is read once to compare what m-schulz approved with the new head.
      tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion(), [newHead]: { ...promotion(), 'environments/verfahren/wohngeld/abnahme.yaml': booking('wohngeld', 'abnahme', { digest: DIGEST_V2, replicas: 2 }) } },
      reviewRequest: true,
      headSha: newHead,
    });
    await t.probot.receive(pullRequestEvent('synchronize', { headSha: newHead }));
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.head_sha).toBe(newHead);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain(`m-schulz: Freigabe auf ${HEAD_SHA.slice(0, 7)} verfällt: seither geändert ${PROMOTION_FILE}`);
    expect(t.pr.comments[0].body).toContain(`m-schulz: Freigabe auf ${HEAD_SHA.slice(0, 7)} verfällt`);
    expect(t.mock.find('POST', `${PR}/pulls/${NUMBER}/requested_reviewers`)[0].body).toEqual({ reviewers: ['m-schulz'], team_reviewers: [] });
  });

  test('a rebase onto an unrelated change: the approval on the older commit keeps counting', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA });
    const newBase = 'b'.repeat(40);
    const newHead = 'd'.repeat(40);
    const moved = { ...baseEstate(), 'environments/tenants/bezirksamt-mitte.yaml': tenant('120') };
    await t.pr.expectEvaluation({ headSha: newHead, tarballs: { [newBase]: moved, [HEAD_SHA]: promotion(), [newHead]: { ...moved, [PROMOTION_FILE]: booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) } } });
    await t.probot.receive(pullRequestEvent('synchronize', { headSha: newHead, baseSha: newBase }));
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.head_sha).toBe(newHead);
    expect(approval.conclusion).toBe('success');
  });

  test('the author cannot approve their own change and is never asked', async () => {
    t = await createTestApp();
    t.pr.reviews.push({ login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA });
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() } });
    await t.probot.receive(pullRequestEvent('opened', { author: 'm-schulz' }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
    expect(t.mock.find('POST', `${PR}/pulls/${NUMBER}/requested_reviewers`)).toHaveLength(0);
  });

  test('notfall: skipping a stage fails without the label; with it, VV and platform approver are required', async () => {
    t = await createTestApp();
    const head = {
      ...baseEstate(),
      [PROMOTION_FILE]: booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }),
      'environments/verfahren/wohngeld/produktion.yaml': booking('wohngeld', 'produktion', { digest: DIGEST_V2 }),
    };
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: head }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));
    const before = checkRun(t.mock, VALIDATION_CHECK);
    expect(before.conclusion).toBe('failure');
    expect(before.output.annotations?.map((a) => a.title)).toContain('stage-order');

    // validation: other annotations, so a new run (updates would append to the old ones); approval: updated in place
    await t.pr.expectEvaluation({ reviewRequest: true, checks: { create: 1, update: 1 } });
    await t.probot.receive(pullRequestEvent('labeled', { labels: ['notfall'], requestedReviewers: ['m-schulz'] }, { label: { name: 'notfall' } }));
    const validation = checkRun(t.mock, VALIDATION_CHECK);
    expect(validation.conclusion).toBe('success');
    expect(validation.output.annotations?.map((a) => a.title)).toContain('emergency-change');
    const approval = checkRun(t.mock, APPROVAL_CHECK);
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain('p-admin');
    const requests = t.mock.find('POST', `${PR}/pulls/${NUMBER}/requested_reviewers`);
    expect(requests.at(-1)?.body).toEqual({ reviewers: ['p-admin'], team_reviewers: [] });
    expect(t.pr.comments[0].body).toMatch(/Notfall/);

    // Both approve the head commit: the emergency change is released.
    t.pr.reviews.push({ login: 'm-schulz', state: 'APPROVED', commitId: HEAD_SHA }, { login: 'p-admin', state: 'APPROVED', commitId: HEAD_SHA });
    await t.pr.expectEvaluation({ checks: { update: 1 } });
    await t.probot.receive(reviewEvent('submitted', { login: 'p-admin', state: 'APPROVED', commitId: HEAD_SHA }, { labels: ['notfall'] }));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('success');
  });

  test('team approvers: members are read once, the team is asked by slug', async () => {
    t = await createTestApp();
    const withTeam = (files: Record<string, string>) => ({ ...files, 'environments/platform.yaml': files['environments/platform.yaml'].replace('approvers: [p-admin]', 'approvers: ["@itdz/plattform"]') });
    const base = withTeam(baseEstate());
    const head = { ...base, 'environments/tenants/bezirksamt-mitte.yaml': tenant('120') };
    t.pr.reviews.push({ login: 'p-lena', state: 'APPROVED', commitId: HEAD_SHA });
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: base, [HEAD_SHA]: head }, teams: { 'itdz/plattform': ['p-lena', 'p-olaf'] } });
    await t.probot.receive(pullRequestEvent('opened'));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('success');

    t.pr.reviews = [];
    await t.pr.expectEvaluation({ teams: { 'itdz/plattform': ['p-lena', 'p-olaf'] }, reviewRequest: true, checks: { update: 1 } });
    await t.probot.receive(pullRequestEvent('reopened'));
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toBe('action_required');
    expect(t.mock.find('POST', `${PR}/pulls/${NUMBER}/requested_reviewers`)[0].body).toEqual({ reviewers: [], team_reviewers: ['plattform'] });
  });
});

describe('validation', () => {
  test('quota exceeded: failing validation with annotations on the booking that exceeds it', async () => {
    t = await createTestApp();
    const file = 'environments/verfahren/wohngeld/produktion.yaml';
    const text = booking('wohngeld', 'produktion', { replicas: 40, size: 'M' });
    const base = { ...baseEstate(), 'environments/tenants/bezirksamt-mitte.yaml': tenant('8') };
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: base, [HEAD_SHA]: { ...base, [file]: text } }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));

    const validation = checkRun(t.mock, VALIDATION_CHECK);
    expect(validation.conclusion).toBe('failure');
    const exceeded = validation.output.annotations?.filter((a) => a.title === 'kontingent-exceeded') ?? [];
    expect(exceeded.length).toBeGreaterThan(0);
    for (const a of exceeded) {
      expect(a).toMatchObject({ path: file, annotation_level: 'failure' });
      expect([lineOf(text, 'replicas:'), lineOf(text, 'size:')]).toContain(a.start_line);
      expect(a.end_line).toBe(a.start_line);
      expect(a.message).toMatch(/Kontingent von bezirksamt-mitte überschritten/);
    }
    expect(validation.output.title).toMatch(/Fehler/);
    expect(t.pr.comments[0].body).toMatch(/bezirksamt-mitte/);
  });

  test('broken YAML in the pull request: failing check with the line, no crash', async () => {
    t = await createTestApp();
    const head = { ...baseEstate(), [PROMOTION_FILE]: 'apiVersion: freigabe/v1\nkind: Booking\nmetadata: {name: wohngeld\n  stage: [abnahme\n' };
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: head }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));
    const validation = checkRun(t.mock, VALIDATION_CHECK);
    expect(validation.conclusion).toBe('failure');
    const yaml = validation.output.annotations?.find((a) => a.path === PROMOTION_FILE);
    expect(yaml?.title).toMatch(/^yaml-/);
    expect(yaml?.start_line).toBeGreaterThanOrEqual(3);
    expect(checkRun(t.mock, APPROVAL_CHECK).conclusion).toMatch(/success|action_required/);
  });

  test('more than 50 findings: the 50 most important annotated in one request, the rest counted with the command that lists them', async () => {
    t = await createTestApp();
    const head: Record<string, string> = { ...baseEstate() };
    for (let i = 0; i < 120; i++) head[`environments/stray-${String(i).padStart(3, '0')}.txt`] = 'x';
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: head }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));
    const run = checkRun(t.mock, VALIDATION_CHECK);
    expect(run.output.annotations).toHaveLength(50);
    expect(run.output.annotations!.map((a) => a.path)).toEqual(Array.from({ length: 50 }, (_, i) => `environments/stray-${String(i).padStart(3, '0')}.txt`));
    expect(run.output.summary).toContain(`freigabe plan --base-ref ${BASE_SHA} --head-ref ${HEAD_SHA}`);
    expect(run.output.summary).toContain('70 weitere Befunde sind nicht annotiert');
    expect(checkRunWrites(t.mock)).toHaveLength(2);
    expect(t.mock.requests.filter((r) => r.method === 'PATCH' && /check-runs\/\d+$/.test(r.path))).toHaveLength(0);
  });

  test('an unchanged re-evaluation writes nothing: runs found again by name and app, comment and reviewers as they are', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));
    const before = t.mock.requests.length;

    await t.pr.expectEvaluation({ checks: { create: 0, update: 0 }, commentListOnly: true });
    await t.probot.receive(pullRequestEvent('synchronize', { requestedReviewers: ['m-schulz'] }));

    const again = t.mock.requests.slice(before);
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((r) => r.method !== 'GET')).toEqual([]);
    const listed = again.filter((r) => r.path.includes('/check-runs?'));
    expect(listed.map((r) => new URL(r.path, 'https://x').searchParams.get('check_name')).sort()).toEqual([APPROVAL_CHECK, VALIDATION_CHECK]);
    expect(listed.every((r) => new URL(r.path, 'https://x').searchParams.get('app_id') === String(APP_ID))).toBe(true);
  });

  test('a pull request that touches no estate file: both checks succeed with a neutral summary, nothing else read', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: { ...baseEstate(), 'README.md': '# changed\n', 'docs/x.md': 'y' } }, reads: false, commentListOnly: true });
    await t.probot.receive(pullRequestEvent('opened'));
    for (const name of [VALIDATION_CHECK, APPROVAL_CHECK]) {
      const run = checkRun(t.mock, name);
      expect(run.conclusion).toBe('success');
      expect(run.output.title).toBe('Keine Änderung am Estate');
      expect(run.output.annotations ?? []).toHaveLength(0);
    }
    expect(t.pr.comments).toHaveLength(0);
  });
});

describe('settings', () => {
  test('broken settings on the default branch: both checks fail and say which file and line', async () => {
    t = await createTestApp();
    const base = { ...baseEstate(), '.github/freigabe.yml': 'root: environments\nlocale: fr\n' };
    // No comment is written for broken settings; only the checks.
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: base }, reads: false, comment: false });
    await t.probot.receive(pullRequestEvent('opened'));
    for (const name of [VALIDATION_CHECK, APPROVAL_CHECK]) {
      const run = checkRun(t.mock, name);
      expect(run.conclusion).toBe('failure');
      expect(run.output.title).toBe('Einstellungen fehlerhaft');
      expect(run.output.summary).toContain('`.github/freigabe.yml:2`');
    }
  });

  test('settings from the default branch when the base is another branch; English when locale: en', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ settings: 'locale: en\n', tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true, baseIsDefault: false });
    await t.probot.receive(pullRequestEvent('opened', { baseRef: 'release' }));
    // Into another branch: base-qualified names, never the default branch's required checks.
    expect(checkRun(t.mock, `${APPROVAL_CHECK} (into release)`).output.title).toBe('1 approval (Freigabe) missing');
    expect(checkRun(t.mock, `${VALIDATION_CHECK} (into release)`).output.title).toBe('No findings');
  });
});

describe('events', () => {
  test('/freigabe recheck on the pull request re-evaluates it; a bot saying it does not', async () => {
    t = await createTestApp();
    t.mock.on('GET', `${PR}/collaborators/j-becker/permission`, collaboratorPermission('j-becker', 'write'));
    await t.pr.expectEvaluation({ pullRequestGet: {}, tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(commentEvent('Bitte nochmal:\n/freigabe recheck\n'));
    expect(checkRuns(t.mock)).toHaveLength(2);
    await t.probot.receive(commentEvent('/freigabe recheck', {}, { login: 'freigabe[bot]', type: 'Bot' }));
    await t.probot.receive(commentEvent('looks good, `/freigabe recheck` later'));
    expect(checkRuns(t.mock)).toHaveLength(2);
  });

  test('/freigabe recheck by someone without write access is refused politely, nothing is evaluated', async () => {
    t = await createTestApp();
    t.mock.on('GET', `${PR}/collaborators/dev-ben/permission`, collaboratorPermission('dev-ben', 'triage'));
    t.mock.on('GET', `${PR}/contents/.github%2Ffreigabe.yml?ref=main`, { status: 404, body: { message: 'Not Found', documentation_url: '', status: '404' } });
    t.mock.on('POST', `${PR}/issues/${NUMBER}/comments`, { status: 201, body: { id: 1 } });
    await t.probot.receive(commentEvent('/freigabe recheck', {}, { login: 'dev-ben', type: 'User' }));
    const [reply] = t.mock.find('POST', `${PR}/issues/${NUMBER}/comments`);
    expect((reply.body as { body: string }).body).toBe(
      '@dev-ben, danke für den Hinweis! `/freigabe recheck` dürfen nur Personen mit Schreibrechten auf dieses Repository verwenden. Bitte eine Person mit Schreibrechten oder die Verfahrensverantwortlichen, den Befehl auszuführen.',
    );
    expect(checkRuns(t.mock)).toHaveLength(0);
  });

  test('re-requested freigabe check run re-evaluates the pull request; other apps\' runs are ignored', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ pullRequestGet: {}, tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(checkRunRerequestedEvent());
    await t.probot.receive(checkRunRerequestedEvent({}, 'ci/build'));
    expect(checkRuns(t.mock)).toHaveLength(2);
  });

  test('"Re-run all checks" (check_suite rerequested) re-evaluates the pull request of that head commit only', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ pullRequestGet: {}, tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    await t.probot.receive(checkSuiteRerequestedEvent());
    expect(checkRuns(t.mock).map((r) => r.name).sort()).toEqual([APPROVAL_CHECK, VALIDATION_CHECK]);
  });

  test('edited without a new base is ignored', async () => {
    t = await createTestApp({}, { token: false });
    await t.probot.receive(pullRequestEvent('edited', {}, { changes: { title: { from: 'old' } } }));
    expect(t.mock.requests).toHaveLength(0);
  });

  test('an internal error marks both checks failed with a neutral text and logs no secret', async () => {
    t = await createTestApp();
    t.mock.tarball(OWNER, REPO, BASE_SHA, new Uint8Array([1, 2, 3, 4]));
    await t.pr.expectEvaluation({ reads: false, comment: false, failsEarly: true });
    await t.probot.receive(pullRequestEvent('opened'));
    for (const name of [VALIDATION_CHECK, APPROVAL_CHECK]) {
      const run = checkRun(t.mock, name);
      expect(run.conclusion).toBe('failure');
      expect(run.output.title).toBe('freigabe: interner Fehler / internal error');
      expect(run.output.summary).not.toMatch(/at \w+ \(|Error:/);
    }
    const logs = t.logs.join('\n');
    expect(logs).toContain('freigabe internal error');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain('PRIVATE KEY');
  });
});

describe('webhook signatures', () => {
  const body = () => JSON.stringify(pullRequestEvent('opened').payload);

  test('a forged signature is rejected and nothing is processed (no HTTP call at all)', async () => {
    t = await createTestApp({}, { token: false });
    const payload = body();
    const forged = `sha256=${createHmac('sha256', 'not-the-secret').update(payload).digest('hex')}`;
    await expect(t.probot.webhooks.verifyAndReceive({ id: 'forged-1', name: 'pull_request', payload, signature: forged })).rejects.toThrow(/signature does not match/i);
    expect(t.mock.requests).toHaveLength(0);
  });

  test('through the HTTP middleware: 400 for a forged signature, nothing processed', async () => {
    t = await createTestApp({}, { token: false });
    const nock = (await import('nock')).default;
    nock.enableNetConnect('127.0.0.1');
    const { createServer } = await import('node:http');
    const middleware = await t.probot.getNodeMiddleware();
    const server = createServer((req, res) => void middleware(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const payload = body();
      const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': 'forged-2',
          'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        },
        body: payload,
      });
      expect(res.status).toBe(400);
      // The real secret would have been accepted: the rejection is the signature's doing.
      expect(createHmac('sha256', SECRET).update(payload).digest('hex')).not.toBe('0'.repeat(64));
    } finally {
      server.close();
      nock.disableNetConnect();
    }
    expect(t.mock.requests).toHaveLength(0);
  });
});

describe('the sticky comment', () => {
  test('a platform change re-renders every Fachverfahren: the comment stays below 65,536 characters, with a note', async () => {
    t = await createTestApp();
    const base = baseEstate(60);
    const head = { ...base, 'environments/platform.yaml': base['environments/platform.yaml'].replace('M: { cpu: "1", memory: 2Gi', 'M: { cpu: "1", memory: 3Gi').replace('S: { cpu: 250m, memory: 512Mi', 'S: { cpu: 500m, memory: 1Gi') };
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: base, [HEAD_SHA]: head }, reviewRequest: true });
    await t.probot.receive(pullRequestEvent('opened'));
    const body = t.pr.comments[0].body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(30_000);
    expect(body).toContain('<details>');
    expect(body).toMatch(/Gekürzt: \d+ von \d+/);
    expect(body.trimEnd().endsWith('</sub>')).toBe(true);
    expect(checkRun(t.mock, APPROVAL_CHECK).output.summary).toContain('p-admin');
  });
});
