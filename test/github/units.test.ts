import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { load } from 'js-yaml';
import type { ApprovalResult } from '../../src/core/approval.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { EVENTS, PERMISSIONS } from '../../src/github/app.js';
import { parseCommand } from '../../src/github/intake/commands.js';
import { loggable } from '../../src/github/platform/loggable.js';
import { reviewRequest } from '../../src/github/pull-request/reviewers.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { teamKey } from '../../src/github/pull-request/teams.js';
import { berlinDate } from '../../src/github/platform/today.js';

describe('app.yml', () => {
  const manifest = load(readFileSync(join(import.meta.dirname, '../../app.yml'), 'utf8')) as {
    default_events: string[];
    default_permissions: Record<string, string>;
  };
  test('lists exactly the events the app subscribes to', () => {
    expect([...manifest.default_events].sort()).toEqual([...EVENTS].sort());
  });
  test('lists exactly the permissions the app uses', () => {
    expect(manifest.default_permissions).toEqual(PERMISSIONS);
  });
});

describe('comment commands', () => {
  test('a line of its own', () => {
    expect(parseCommand('/freigabe recheck')).toEqual({ name: 'recheck' });
    expect(parseCommand('Danke!\r\n  /freigabe recheck  \n')).toEqual({ name: 'recheck' });
    expect(parseCommand('/freigabe promote wohngeld produktion')).toEqual({ name: 'promote', verfahren: 'wohngeld', stage: 'produktion' });
    expect(parseCommand('please `/freigabe recheck`')).toBeUndefined();
    expect(parseCommand('/freigabe recheck now')).toBeUndefined();
    expect(parseCommand(null)).toBeUndefined();
  });
});

describe('review requests', () => {
  const requirement = (over: Partial<ApprovalResult['requirements'][number]>) => ({
    reason: 'r', verfahren: 'wohngeld', stage: 'abnahme', approvers: [], min: 1, approvedBy: [], blockedBy: [], ...over,
  });
  test('open requirements only; not the author, not asked, not approved; teams of the owner by slug', () => {
    const approval: ApprovalResult = {
      satisfied: false,
      requirements: [
        requirement({ approvers: ['m-schulz', 'K-Yilmaz', 'dev-anna', '@itdz/plattform', '@other-org/x', 'asked'] }),
        requirement({ approvers: ['done-vv'], approvedBy: ['done-vv'], satisfied: true }),
        requirement({ approvers: ['a', 'b'], min: 2, approvedBy: ['a'] }),
      ],
    };
    expect(reviewRequest({ owner: 'ITDZ', author: 'Dev-Anna', approval, requestedUsers: ['ASKED'], requestedTeams: [] })).toEqual({
      reviewers: ['K-Yilmaz', 'b', 'm-schulz'],
      team_reviewers: ['plattform'],
    });
    expect(reviewRequest({ owner: 'itdz', author: 'x', approval, requestedUsers: [], requestedTeams: ['plattform'] }).team_reviewers).toEqual([]);
  });
  test('someone excluded by the four-eyes rule is not asked', () => {
    const approval: ApprovalResult = { satisfied: false, requirements: [requirement({ approvers: ['m-schulz'], notCounted: [{ login: 'm-schulz', why: 'commit-author' }] })] };
    expect(reviewRequest({ owner: 'o', author: 'x', approval, requestedUsers: [], requestedTeams: [] }).reviewers).toEqual([]);
  });
});

describe('snapshot cache', () => {
  const entry = (bytes: number) => ({ snapshot: snapshotOf({ f: new Uint8Array(bytes) }), problems: [], prefixes: [] });
  test('evicts the least recently used, by count and by bytes', async () => {
    const cache = new LruSnapshotCache({ maxEntries: 2, maxBytes: 100 });
    await cache.set('a', entry(10));
    await cache.set('b', entry(10));
    await cache.get('a');
    await cache.set('c', entry(10));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    await cache.set('d', entry(95));
    expect(cache.size).toBe(1);
    await cache.set('e', entry(101));
    expect(await cache.get('e')).toBeUndefined();
  });
});

describe('small helpers', () => {
  test('teamKey', () => {
    expect(teamKey('@ITDZ/Plattform')).toBe('itdz/plattform');
    expect(teamKey('m-schulz')).toBeUndefined();
  });
  test('the date is Berlin\'s', () => {
    expect(berlinDate(new Date('2027-03-31T22:30:00Z'))).toBe('2027-04-01');
    expect(berlinDate(new Date('2027-01-01T22:30:00Z'))).toBe('2027-01-01');
  });
  test('loggable keeps message and status, drops tokens and request details', () => {
    const error = Object.assign(new Error('Bad credentials for token ghs_abc123'), { status: 401, request: { headers: { authorization: 'token ghs_abc123' } } });
    const out = loggable(error);
    expect(JSON.stringify(out)).not.toContain('ghs_abc123');
    expect(out).toMatchObject({ status: 401, name: 'Error' });
  });
});

describe('production start', () => {
  test('names every missing credential, never a value', async () => {
    const { missingProductionSettings } = await import('../../src/github/platform/credentials.js');
    expect(missingProductionSettings({})).toHaveLength(3);
    expect(missingProductionSettings({ APP_ID: '1', PRIVATE_KEY_PATH: 'k.pem', WEBHOOK_SECRET: 's3cr3t' })).toEqual([]);
    const missing = missingProductionSettings({ APP_ID: '1', PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----x' }).join(' ');
    expect(missing).toMatch(/^WEBHOOK_SECRET/);
    expect(missing).not.toContain('BEGIN');
  });
});
