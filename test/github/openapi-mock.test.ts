import { afterEach, describe, expect, test } from 'vitest';
import { Octokit } from '@octokit/rest';
import { GitHubMock } from './openapi-mock.js';
import { tarball } from './tarball-builder.js';

const octokit = () => new Octokit({ auth: 'ghs_throwaway', request: { retries: 0 } });
let mock: GitHubMock;
afterEach(() => mock?.dispose());

const annotation = (i: number) => ({ path: 'environments/platform.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', message: `m${i}`, title: 'schema-violation' });

describe('the strict GitHub mock', () => {
  test('accepts a check run that GitHub accepts', async () => {
    mock = new GitHubMock().on('POST', '/repos/o/r/check-runs', { status: 201, body: { id: 1 } });
    await octokit().rest.checks.create({
      owner: 'o', repo: 'r', name: 'freigabe/validation', head_sha: 'a'.repeat(40), conclusion: 'success',
      output: { title: 't', summary: 's', annotations: [annotation(0)] as never },
    });
    expect(() => mock.verify()).not.toThrow();
  });

  test('rejects conclusion "approved" and a batch of 51 annotations, naming the operation and field', async () => {
    mock = new GitHubMock().on('POST', '/repos/o/r/check-runs', { status: 201, body: { id: 1 } }, { times: 2 });
    await octokit().request('POST /repos/{owner}/{repo}/check-runs', {
      owner: 'o', repo: 'r', name: 'freigabe/approval', head_sha: 'a'.repeat(40), conclusion: 'approved' as never,
    });
    await octokit().request('POST /repos/{owner}/{repo}/check-runs', {
      owner: 'o', repo: 'r', name: 'freigabe/validation', head_sha: 'a'.repeat(40), conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) as never },
    });
    const problems = mock.takeProblems();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/POST \/repos\/o\/r\/check-runs \(checks\/create\): body\/conclusion must be equal to one of the allowed values: action_required, .*success/);
    expect(problems[1]).toMatch(/body\/output\/annotations must NOT have more than 50 items/);
    expect(() => mock.verify()).not.toThrow();
  });

  test('rejects an annotation level and a path parameter GitHub does not know', async () => {
    mock = new GitHubMock()
      .on('PATCH', '/repos/o/r/check-runs/abc', { body: {} })
      .on('GET', '/repos/o/r/pulls/1/reviews?per_page=100&sort=asc', { body: [] });
    await octokit().request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: 'o', repo: 'r', check_run_id: 'abc' as never,
      output: { summary: 's', annotations: [{ ...annotation(0), annotation_level: 'error' }] as never },
    });
    await octokit().request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner: 'o', repo: 'r', pull_number: 1, per_page: 100, sort: 'asc' });
    const problems = mock.takeProblems().join('\n');
    expect(problems).toMatch(/path parameter check_run_id="abc" value must be integer/);
    expect(problems).toMatch(/annotation_level must be equal to one of the allowed values: notice, warning, failure/);
    expect(problems).toMatch(/unknown query parameter sort/);
  });

  test('an operation that does not exist fails', async () => {
    mock = new GitHubMock().on('POST', '/repos/o/r/pulls/1/approve', { body: {} });
    await octokit().request('POST /repos/o/r/pulls/1/approve');
    expect(() => mock.verify()).toThrow(/POST \/repos\/o\/r\/pulls\/1\/approve: no operation in GitHub's REST description/);
  });

  test('an unused mock fails verify()', () => {
    mock = new GitHubMock().on('GET', '/repos/o/r/pulls/1', { body: {} });
    expect(() => mock.verify()).toThrow(/mock registered but not used: GET https:\/\/api.github.com:443\/repos\/o\/r\/pulls\/1/);
  });

  test('an unmatched request fails, and nothing reaches the network', async () => {
    mock = new GitHubMock();
    await expect(octokit().request('GET /repos/o/r/pulls/2')).rejects.toThrow();
    expect(() => mock.verify()).toThrow(/unexpected request \(no mock registered\): GET .*\/repos\/o\/r\/pulls\/2/);
  });

  test('tarball: 302 to codeload, followed by fetch, bytes intact', async () => {
    const archive = await tarball('o-r-abc', { 'environments/platform.yaml': 'x' });
    mock = new GitHubMock().tarball('o', 'r', 'abc', archive);
    const res = await octokit().rest.repos.downloadTarballArchive({ owner: 'o', repo: 'r', ref: 'abc' });
    expect(Buffer.from(res.data as ArrayBuffer).equals(archive)).toBe(true);
    expect(() => mock.verify()).not.toThrow();
  });
});
