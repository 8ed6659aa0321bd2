/**
 * Check runs written only when their content changed: found again by name (and app) on the head
 * commit, updated in place, superseded when their annotations changed (GitHub appends
 * annotations on update), and the most important annotations first.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, test } from 'vitest';
import { prioritiseAnnotations, publishCheckRun, type Annotation, type CheckRunContent } from '../../src/github/pull-request/checks.js';
import type { GitHubClient } from '../../src/github/platform/github-client.js';
import { GitHubMock } from './openapi-mock.js';

const SHA = 'c'.repeat(40);
const NAME = 'freigabe/validation';
let mock: GitHubMock;
afterEach(() => mock?.verify());

const ann = (path: string, level: Annotation['annotation_level'], line = 1): Annotation => ({ path, start_line: line, end_line: line, annotation_level: level, message: 'm', title: 'code' });

interface Stored {
  id: number;
  name: string;
  status: string;
  conclusion: string;
  app: { id: number };
  output: { title: string; summary: string; annotations_count: number };
}

/** GitHub's check runs of one commit: list (filtered by name and app), create, update. */
function checksServer(runs: Stored[], expect: { lists: number; creates?: number; updates?: number }): void {
  mock.on('GET', new RegExp(`^/repos/o/r/commits/${SHA}/check-runs\\?`), (r) => {
    const q = new URL(r.path, 'https://x').searchParams;
    const found = runs.filter((x) => x.name === q.get('check_name') && (!q.get('app_id') || String(x.app.id) === q.get('app_id'))).reverse();
    return { body: { total_count: found.length, check_runs: found.map((x) => ({ ...x, head_sha: SHA })) } };
  }, { times: expect.lists });
  if (expect.creates) {
    mock.on('POST', '/repos/o/r/check-runs', (r) => {
      const b = r.body as { name: string; status: string; conclusion: string; output: { title: string; summary: string; annotations?: unknown[] } };
      const run = { id: 100 + runs.length, name: b.name, status: b.status, conclusion: b.conclusion, app: { id: 7 }, output: { title: b.output.title, summary: b.output.summary, annotations_count: b.output.annotations?.length ?? 0 } };
      runs.push(run);
      return { status: 201, body: { ...run, head_sha: SHA } };
    }, { times: expect.creates });
  }
  if (expect.updates) {
    mock.on('PATCH', /^\/repos\/o\/r\/check-runs\/\d+$/, (r) => {
      const run = runs.find((x) => x.id === Number(r.path.split('/').pop()))!;
      const b = r.body as { conclusion: string; output: { title: string; summary: string; annotations?: unknown[] } };
      run.conclusion = b.conclusion;
      run.output = { title: b.output.title, summary: b.output.summary, annotations_count: run.output.annotations_count + (b.output.annotations?.length ?? 0) };
      return { body: { ...run, head_sha: SHA } };
    }, { times: expect.updates });
  }
}

const octokit = () => new Octokit({ auth: 'ghs_throwaway', request: { retries: 0 } }) as unknown as GitHubClient;
const publish = (run: CheckRunContent) => publishCheckRun({ octokit: octokit(), owner: 'o', repo: 'r', headSha: SHA, run, appId: 7 });
const content = (over: Partial<CheckRunContent> = {}): CheckRunContent => ({ name: NAME, conclusion: 'failure', title: '1 Fehler', summary: 'one finding', annotations: [ann('a.yaml', 'failure')], ...over });

describe('publishCheckRun', () => {
  test('first: created; same content again: no write; other summary: updated in place without resending annotations', async () => {
    mock = new GitHubMock();
    const runs: Stored[] = [];
    checksServer(runs, { lists: 3, creates: 1, updates: 1 });
    expect((await publish(content())).write).toBe('created');
    expect((await publish(content())).write).toBe('unchanged');
    expect((await publish(content({ summary: 'one finding, better words' }))).write).toBe('updated');
    const patch = mock.find('PATCH', `/repos/o/r/check-runs/${runs[0].id}`)[0].body as { output: { annotations?: unknown[] } };
    expect(patch.output.annotations).toBeUndefined();
    expect(runs).toHaveLength(1);
    expect(runs[0].output.annotations_count).toBe(1);
  });

  test('other annotations on a run that has some: a new run supersedes it (updates would append)', async () => {
    mock = new GitHubMock();
    const runs: Stored[] = [];
    checksServer(runs, { lists: 2, creates: 2 });
    await publish(content());
    expect((await publish(content({ annotations: [ann('b.yaml', 'failure')] }))).write).toBe('created');
    expect(runs).toHaveLength(2);
  });

  test('a run without annotations gets its first ones by an update; another app’s run of the same name is never touched', async () => {
    mock = new GitHubMock();
    const runs: Stored[] = [{ id: 1, name: NAME, status: 'completed', conclusion: 'success', app: { id: 99 }, output: { title: 'x', summary: 'other app', annotations_count: 0 } }];
    checksServer(runs, { lists: 2, creates: 1, updates: 1 });
    expect((await publish(content({ conclusion: 'success', annotations: [] }))).write).toBe('created');
    expect((await publish(content())).write).toBe('updated');
    expect(runs[0].output.summary).toBe('other app');
    expect(runs[1].output.annotations_count).toBe(1);
    expect(mock.requests.filter((r) => r.method === 'GET').every((r) => r.path.includes('app_id=7') && r.path.includes('check_name=freigabe%2Fvalidation'))).toBe(true);
  });

  test('never more than 50 annotations in a run', async () => {
    mock = new GitHubMock();
    checksServer([], { lists: 1, creates: 1 });
    await publish(content({ annotations: Array.from({ length: 120 }, (_, i) => ann('a.yaml', 'failure', i + 1)) }));
    expect((mock.find('POST', '/repos/o/r/check-runs')[0].body as { output: { annotations: unknown[] } }).output.annotations).toHaveLength(50);
  });
});

describe('prioritiseAnnotations', () => {
  test('errors before warnings before notices; changed files first within a level; then file and line', () => {
    const all = [ann('z.yaml', 'notice'), ann('b.yaml', 'warning', 3), ann('b.yaml', 'failure', 9), ann('a.yaml', 'warning'), ann('c.yaml', 'failure', 2), ann('b.yaml', 'failure', 1)];
    const sorted = prioritiseAnnotations(all, new Set(['c.yaml']));
    expect(sorted.map((a) => `${a.annotation_level} ${a.path}:${a.start_line}`)).toEqual([
      'failure c.yaml:2',
      'failure b.yaml:1',
      'failure b.yaml:9',
      'warning a.yaml:1',
      'warning b.yaml:3',
      'notice z.yaml:1',
    ]);
  });
});
