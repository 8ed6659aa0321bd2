/**
 * `freigabe gate` and the policy of issue 13 as a process: `--now` decides an Änderungsstopp,
 * and an approval on an older commit is compared by content with the head, the reviewed commit
 * read from the git repository at `--repo`.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EstateBuilder } from '../helpers/estate.js';
import { assertBuilt, freigabe, git, gitRepo, tempDir, update } from './helpers.js';

const dirs: string[] = [];
const track = (d: string) => (dirs.push(d), d);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const FROZEN = () =>
  EstateBuilder.minimal().platform((p) => {
    p.spec.stages[1].aenderungsstopp = [{ start: '2026-12-21T06:00', end: '2027-01-04', reason: 'Jahreswechsel' }];
  });
const scaled = (b: EstateBuilder, replicas: number) => b.booking('demo', 'abnahme', (d) => void (d.spec.components[0].replicas = replicas));
const sizeM = (b: EstateBuilder) => b.booking('demo', 'abnahme', (d) => void (d.spec.components[0].size = 'M'));

let files: string;
const review = (sha: string) => {
  const path = join(files, `reviews-${sha.slice(0, 7)}.json`);
  writeFileSync(path, JSON.stringify([{ id: 1, user: { login: 'v-verantwortlich', type: 'User' }, state: 'APPROVED', commit_id: sha, submitted_at: '2026-06-01T09:00:00Z' }]));
  return path;
};
const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();

beforeAll(() => {
  assertBuilt();
  files = track(tempDir('gate-policy'));
});

describe('gate --now: Änderungsstopp', () => {
  let repo: string;
  beforeAll(() => {
    repo = track(gitRepo(FROZEN()));
    update(repo, scaled(FROZEN(), 2), 'more replicas');
  });
  const gate = (extra: string[]) => {
    const sha = head(repo);
    return freigabe(['gate', '--repo', repo, '--base-ref', 'HEAD~1', '--head-ref', 'HEAD', '--author', 'entwickler', '--head-sha', sha, '--reviews', review(sha), ...extra]);
  };

  test('inside the window: exit 1 with the window’s reason and end; before it: exit 0', () => {
    const inside = gate(['--now', '2026-12-21T06:00:00+01:00']);
    expect(inside.code).toBe(1);
    expect(inside.stdout).toContain('aenderungsstopp');
    expect(inside.stdout).toContain('Änderungsstopp in Abnahme (Jahreswechsel) bis 05.01.2027, 00:00 Uhr');
    expect(gate(['--now', '2026-12-21T04:59:00Z']).code).toBe(0);
  });

  test('--today alone means that whole day; a --now without a time zone is a usage error', () => {
    expect(gate(['--today', '2026-12-21']).code).toBe(1);
    const bad = gate(['--now', '2026-12-21T06:00']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--now');
  });
});

describe('gate: an approval bound to its content, the reviewed commit read from git', () => {
  let repo: string;
  let reviewed: string;
  beforeAll(() => {
    // main: base → (later) an unrelated change; the pull request: more replicas in Abnahme.
    repo = track(gitRepo(EstateBuilder.minimal()));
    git(repo, ['checkout', '-q', '-b', 'pr']);
    update(repo, scaled(EstateBuilder.minimal(), 2), 'more replicas');
    reviewed = head(repo);
  });
  const gate = (baseRef: string) =>
    freigabe(['gate', '--repo', repo, '--base-ref', baseRef, '--head-ref', 'HEAD', '--author', 'entwickler', '--head-sha', head(repo), '--reviews', review(reviewed), '--today', '2026-06-01']);

  test('rebase onto an unrelated change (the tenant’s Kontingent grew): the approval keeps counting', () => {
    const grown = () => EstateBuilder.minimal().tenant('amt', (d) => void (d.spec.kontingent.cpu = '12'));
    git(repo, ['checkout', '-q', 'main']);
    update(repo, grown(), 'main: Kontingent');
    git(repo, ['checkout', '-q', '-b', 'pr-rebased']);
    update(repo, scaled(grown(), 2), 'more replicas (rebased)');
    const r = gate('main');
    expect(r.stdout).not.toContain('verfällt');
    expect(r.code).toBe(0);
  });

  test('rebase onto a change that alters the rendered manifests: voided, and the output says whose and why', () => {
    git(repo, ['checkout', '-q', 'main']);
    update(repo, sizeM(EstateBuilder.minimal()), 'main: size M');
    git(repo, ['checkout', '-q', '-b', 'pr-rebased-m']);
    update(repo, scaled(sizeM(EstateBuilder.minimal()), 2), 'more replicas (rebased on M)');
    // The booking file differs too (size M came in with the rebase), and so does the rendered Deployment.
    const r = gate('main');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`v-verantwortlich: Freigabe auf ${reviewed.slice(0, 7)} verfällt: seither geändert environments/verfahren/demo/abnahme.yaml`);
  });
});
