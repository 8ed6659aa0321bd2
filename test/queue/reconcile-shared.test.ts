/**
 * Replicas share the reconciliation schedule through the queue's state: after its first pass, a
 * process reconciles a repository only when it claims it for the interval, so two replicas do not
 * both reconcile every repository every hour. The first pass of a process always runs.
 */
import { expect, test } from 'vitest';
import { MemoryState } from '../../src/github/queue/memory.js';
import { Reconciler } from '../../src/github/reconciliation/reconcile.js';
import { silentLogger } from '../../src/github/publication/publish.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/github/platform/tarball.js';

test('two replicas: each runs its first pass; afterwards one reconciles a repository per interval, the other takes over once it has passed', async () => {
  let clock = Date.parse('2026-05-04T10:00:00Z');
  const state = new MemoryState({ clock: { now: () => clock, setTimeout: (fn, ms) => setTimeout(fn, ms) } });
  const shared = {
    claim: (key: string, seconds: number) => state.claim(`reconcile:${key}`, seconds),
    record: (key: string, seconds: number) => state.set(`reconcile:${key}`, '1', seconds),
  };
  const listInstallations = Symbol('listInstallations');
  const listRepos = Symbol('listRepos');
  const octokit = {
    rest: { apps: { listInstallations, listReposAccessibleToInstallation: listRepos } },
    paginate: async (what: symbol) =>
      what === listInstallations ? [{ id: 1, suspended_at: null }] : [{ full_name: 'itdz/estate', name: 'estate', owner: { login: 'itdz' }, default_branch: 'main' }],
  };
  const runs: string[] = [];
  const replica = (name: string) =>
    new Reconciler({
      app: { auth: async () => octokit as never },
      log: silentLogger,
      deps: { cache: new LruSnapshotCache(), limits: DEFAULT_ARCHIVE_LIMITS },
      now: () => clock,
      shared,
      // the reconciliation itself is not what this test is about: it only notes who would run it
      runExclusive: async (key) => {
        runs.push(`${name} ${key}`);
        await shared.record(key, 3600);
      },
    });
  const a = replica('A');
  const b = replica('B');

  // another replica reconciled a minute ago; both processes just started: their first pass runs anyway
  await shared.record('itdz/estate', 3600);
  await a.tick();
  await b.tick();
  expect(runs).toEqual(['A itdz/estate', 'B itdz/estate']);

  // later passes: the repository is claimed for its interval
  clock += 5 * 60_000;
  await a.tick();
  await b.tick();
  expect(runs).toHaveLength(2);

  // the interval has passed: whoever ticks first claims it, the other does not run it too
  clock += 60 * 60_000;
  await b.tick();
  await a.tick();
  expect(runs.slice(2)).toEqual(['B itdz/estate']);
});
