/**
 * What the app logs during an evaluation (log level debug: every GitHub request too): each
 * line of an event names its delivery, event and repository, and no line carries the app's
 * key, the webhook secret or the installation token — also when the evaluation fails.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { BASE_SHA, createTestApp, HEAD_SHA, OWNER, pullRequestEvent, REPO, SECRET, TOKEN, type TestApp } from '../github/app-harness.js';
import { baseEstate, booking, DIGEST_V2 } from '../github/estate-fixture.js';

let t: TestApp | undefined;
afterEach(() => t?.mock.verify());

const promotion = () => ({ ...baseEstate(), 'environments/verfahren/wohngeld/abnahme.yaml': booking('wohngeld', 'abnahme', { digest: DIGEST_V2 }) });
const SECRETS = [SECRET, TOKEN];
// The throwaway key itself is not exported by the harness; any PEM or PKCS#8 base64 counts.
const KEY_SHAPES = [/-----BEGIN/, /PRIVATE KEY/, /MII[A-Za-z0-9+/]{40}/];

function parsed(logs: readonly string[]): Record<string, unknown>[] {
  return logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectNoSecret(logs: readonly string[]): void {
  const text = logs.join('');
  for (const s of SECRETS) expect(text.includes(s), `log contains ${s.slice(0, 8)}…`).toBe(false);
  for (const shape of KEY_SHAPES) expect(text).not.toMatch(shape);
}

describe('event logs', () => {
  test('an evaluation: every line of the event carries delivery id, event and repository, GitHub requests included; no secret', async () => {
    t = await createTestApp();
    await t.pr.expectEvaluation({ tarballs: { [BASE_SHA]: baseEstate(), [HEAD_SHA]: promotion() }, reviewRequest: true });
    const event = pullRequestEvent('opened');
    await t.probot.receive(event);
    const lines = parsed(t.logs).filter((l) => l.id === event.id);
    const evaluated = lines.find((l) => l.msg === 'freigabe evaluated pull request');
    expect(evaluated).toMatchObject({ id: event.id, event: 'pull_request.opened', repository: `${OWNER}/${REPO}` });
    const requests = lines.filter((l) => String(l.msg).startsWith('GitHub request: POST'));
    expect(requests.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatchObject({ event: 'pull_request.opened', repository: `${OWNER}/${REPO}` });
    expectNoSecret(t.logs);
  });

  test('an internal error: logged with the event, and still no secret', async () => {
    t = await createTestApp();
    t.mock.tarball(OWNER, REPO, BASE_SHA, new Uint8Array([1, 2, 3, 4]));
    await t.pr.expectEvaluation({ reads: false, comment: false, failsEarly: true });
    const event = pullRequestEvent('opened');
    await t.probot.receive(event);
    const failure = parsed(t.logs).find((l) => l.msg === 'freigabe internal error');
    expect(failure).toMatchObject({ id: event.id, repository: `${OWNER}/${REPO}` });
    expectNoSecret(t.logs);
  });
});
