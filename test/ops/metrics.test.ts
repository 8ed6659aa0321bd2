/**
 * The metrics contract (README "Health and metrics"): names, types and labels as documented,
 * the queue gauges read from the provider at scrape time, outcomes counted at the call sites'
 * wrappers, and GitHub writes and the rate limit seen through the Octokit plugin.
 */
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, test } from 'vitest';
import { countForeignRenderedPush } from '../../src/github/publication/security-events.js';
import { countEvaluation, countPublication, createMetrics, gitHubMetricsPlugin, type Metrics } from '../../src/ops/metrics.js';
import { GitHubMock } from '../github/openapi-mock.js';

/** The value of one sample line, e.g. `freigabe_jobs{kind="x"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function fresh(): Metrics {
  return createMetrics({ defaultMetrics: false });
}

describe('the registry', () => {
  test('every documented metric is there with its type, and nothing of the global registry', async () => {
    const m = fresh();
    m.webhookAcknowledged(202, 0.03);
    m.jobFinished('evaluate', 'ok', 1.5);
    m.gitHubWrite('POST', '/repos/{owner}/{repo}/check-runs', 201);
    m.rateLimitRemaining('core', '4242', 4990);
    m.evaluationFinished('approved');
    m.publicationFinished('updated');
    m.setQueueStats(async () => [{ kind: 'evaluate', depth: 3, oldestAgeSeconds: 12 }]);
    const text = await m.scrape();
    const types = Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => [x[1], x[2]]));
    expect(types).toEqual({
      freigabe_webhook_ack_seconds: 'histogram',
      freigabe_job_duration_seconds: 'histogram',
      freigabe_queue_depth: 'gauge',
      freigabe_queue_oldest_job_age_seconds: 'gauge',
      freigabe_github_writes_total: 'counter',
      freigabe_github_rate_limit_remaining: 'gauge',
      freigabe_evaluations_total: 'counter',
      freigabe_publications_total: 'counter',
      freigabe_foreign_rendered_pushes_total: 'counter',
    });
    expect(sample(text, 'freigabe_webhook_ack_seconds_bucket{le="0.05",status="202"}')).toBe(1);
    expect(sample(text, 'freigabe_webhook_ack_seconds_bucket{le="0.025",status="202"}')).toBe(0);
    expect(sample(text, 'freigabe_job_duration_seconds_count{kind="evaluate",outcome="ok"}')).toBe(1);
    expect(sample(text, 'freigabe_github_writes_total{method="POST",route="/repos/{owner}/{repo}/check-runs",status="201"}')).toBe(1);
    expect(sample(text, 'freigabe_github_rate_limit_remaining{resource="core",installation="4242"}')).toBe(4990);
    expect(sample(text, 'freigabe_evaluations_total{outcome="approved"}')).toBe(1);
    expect(sample(text, 'freigabe_publications_total{outcome="updated"}')).toBe(1);
    expect(sample(text, 'freigabe_queue_depth{kind="evaluate"}')).toBe(3);
    expect(sample(text, 'freigabe_queue_oldest_job_age_seconds{kind="evaluate"}')).toBe(12);
    // the rendered-branch guard's count, as of each scrape
    const before = sample(text, 'freigabe_foreign_rendered_pushes_total')!;
    expect(before).toBeGreaterThanOrEqual(0);
    countForeignRenderedPush();
    expect(sample(await m.scrape(), 'freigabe_foreign_rendered_pushes_total')).toBe(before + 1);
  });

  test('the default process metrics are there unless switched off', async () => {
    expect(await createMetrics().scrape()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await fresh().scrape()).not.toMatch(/process_cpu/);
  });

  test('queue gauges: one provider call per scrape, a kind that is gone loses its series, a failing provider leaves them empty', async () => {
    const m = fresh();
    let calls = 0;
    let stats = [
      { kind: 'evaluate', depth: 2, oldestAgeSeconds: 5 },
      { kind: 'publish', depth: 1, oldestAgeSeconds: 40 },
    ];
    m.setQueueStats(async () => {
      calls++;
      return stats;
    });
    let text = await m.scrape();
    expect(calls).toBe(1);
    expect(sample(text, 'freigabe_queue_depth{kind="publish"}')).toBe(1);
    stats = [{ kind: 'evaluate', depth: 0, oldestAgeSeconds: 0 }];
    text = await m.scrape();
    expect(calls).toBe(2);
    expect(sample(text, 'freigabe_queue_depth{kind="evaluate"}')).toBe(0);
    expect(sample(text, 'freigabe_queue_depth{kind="publish"}')).toBeUndefined();
    m.setQueueStats(async () => {
      throw new Error('redis gone');
    });
    text = await m.scrape();
    expect(text).toContain('# TYPE freigabe_queue_depth gauge');
    expect(text).not.toMatch(/^freigabe_queue_depth\{/m);
  });
});

describe('outcomes at the call sites', () => {
  const plan = (ok: boolean, satisfied: boolean) => ({ ok, approval: { satisfied, requirements: [] } }) as never;

  test('evaluations: approved, waiting, findings, the early outcomes, and error (rethrown)', async () => {
    const m = fresh();
    await countEvaluation(Promise.resolve({ outcome: 'planned' as const, plan: plan(true, true) }), m);
    await countEvaluation(Promise.resolve({ outcome: 'planned' as const, plan: plan(true, false) }), m);
    await countEvaluation(Promise.resolve({ outcome: 'planned' as const, plan: plan(false, true) }), m);
    await countEvaluation(Promise.resolve({ outcome: 'no-estate-change' as const }), m);
    await expect(countEvaluation(Promise.reject(new Error('boom')), m)).rejects.toThrow('boom');
    const text = await m.scrape();
    for (const outcome of ['approved', 'waiting-for-approval', 'findings', 'no-estate-change', 'error']) {
      expect(sample(text, `freigabe_evaluations_total{outcome="${outcome}"}`), outcome).toBe(1);
    }
  });

  test('publications: one per stage, the reason when nothing was rendered, error when it throws', async () => {
    const m = fresh();
    const stages = [{ status: 'updated' }, { status: 'unchanged' }, { status: 'unchanged' }];
    await countPublication(Promise.resolve({ ok: true, stages } as never), m);
    await countPublication(Promise.resolve({ ok: false, reason: 'estate-errors' } as never), m);
    await expect(countPublication(Promise.reject(new Error('502')), m)).rejects.toThrow('502');
    const text = await m.scrape();
    expect(sample(text, 'freigabe_publications_total{outcome="updated"}')).toBe(1);
    expect(sample(text, 'freigabe_publications_total{outcome="unchanged"}')).toBe(2);
    expect(sample(text, 'freigabe_publications_total{outcome="estate-errors"}')).toBe(1);
    expect(sample(text, 'freigabe_publications_total{outcome="error"}')).toBe(1);
  });
});

describe('the Octokit plugin', () => {
  let mock: GitHubMock | undefined;
  afterEach(() => mock?.verify());

  test('counts writes by route template (reads not), failed writes by status, and records the rate limit left', async () => {
    const m = fresh();
    mock = new GitHubMock();
    const limit = (remaining: number) => ({ 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-resource': 'core' });
    mock.on('GET', '/repos/itdz/estate/pulls/7/reviews?per_page=100', { body: [], headers: limit(4999) });
    mock.on('POST', '/repos/itdz/estate/check-runs', { status: 201, body: { id: 1 }, headers: limit(4998) });
    mock.on('PATCH', '/repos/itdz/estate/check-runs/1', { status: 201, body: { id: 1 }, headers: limit(4997) });
    mock.on('POST', '/repos/itdz/estate/issues/7/comments', {
      status: 422,
      body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com' },
      headers: limit(4996),
    });
    const Octokit = ProbotOctokit.plugin(gitHubMetricsPlugin(m as never) as never);
    const octokit = new Octokit({ auth: { token: 'ghs_throwaway', installationId: 4242 }, retry: { enabled: false }, throttle: { enabled: false } } as never);
    const repo = { owner: 'itdz', repo: 'estate' };
    await octokit.rest.pulls.listReviews({ ...repo, pull_number: 7, per_page: 100 });
    await octokit.rest.checks.create({ ...repo, name: 'freigabe/validation', head_sha: 'c'.repeat(40) });
    await octokit.rest.checks.update({ ...repo, check_run_id: 1, status: 'completed', conclusion: 'success' });
    await expect(octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'x' })).rejects.toMatchObject({ status: 422 });
    const text = await m.scrape();
    expect(sample(text, 'freigabe_github_writes_total{method="POST",route="/repos/{owner}/{repo}/check-runs",status="201"}')).toBe(1);
    expect(sample(text, 'freigabe_github_writes_total{method="PATCH",route="/repos/{owner}/{repo}/check-runs/{check_run_id}",status="201"}')).toBe(1);
    expect(sample(text, 'freigabe_github_writes_total{method="POST",route="/repos/{owner}/{repo}/issues/{issue_number}/comments",status="422"}')).toBe(1);
    expect(text).not.toMatch(/freigabe_github_writes_total\{method="GET"/);
    expect(sample(text, 'freigabe_github_rate_limit_remaining{resource="core",installation="4242"}')).toBe(4996);
  });
});
