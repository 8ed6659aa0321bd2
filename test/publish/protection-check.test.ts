/**
 * Issue 11: the start-up self-check warns when the default branch does not require both
 * freigabe checks from this app (classic branch protection or rulesets), through the strict
 * OpenAPI mock; and the reconciler runs it once per repository.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { checkBranchProtection } from '../../src/github/reconciliation/protection-check.js';
import { Reconciler } from '../../src/github/reconciliation/reconcile.js';
import { silentLogger } from '../../src/github/publication/publish.js';
import { LruSnapshotCache } from '../../src/github/platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/github/platform/tarball.js';
import { API_BASE, createPublishApp, INSTALLATION, OWNER, REPO, userJson, type PublishTestApp } from './harness.js';

let t: PublishTestApp;
afterEach(() => t?.mock.verify());

const APP_ID = 123;

function branch(checks: { context: string; app_id: number | null }[] | null) {
  return {
    name: 'main',
    commit: { sha: 'a'.repeat(40), node_id: 'C', commit: {}, url: '', html_url: '', comments_url: '', author: null, committer: null, parents: [] },
    _links: { html: '', self: '' },
    protected: checks !== null,
    protection: checks === null ? { enabled: false } : { enabled: true, required_status_checks: { enforcement_level: 'everyone', contexts: checks.map((c) => c.context), checks } },
    protection_url: '',
  };
}

function rules(checks: { context: string; integration_id?: number }[]) {
  return checks.length === 0 ? [] : [{ type: 'required_status_checks', parameters: { strict_required_status_checks_policy: false, required_status_checks: checks }, ruleset_source_type: 'Repository', ruleset_source: `${OWNER}/${REPO}`, ruleset_id: 1 }];
}

async function check(branchBody: unknown, rulesBody: unknown) {
  t.mock.on('GET', `${API_BASE}/branches/main`, { body: branchBody });
  t.mock.on('GET', `${API_BASE}/rules/branches/main?per_page=100`, { body: rulesBody });
  const warnings: unknown[] = [];
  const log = { ...silentLogger, warn: (obj: unknown) => warnings.push(obj) };
  const report = await checkBranchProtection({ octokit: await t.probot.auth(INSTALLATION), owner: OWNER, repo: REPO, defaultBranch: 'main', appId: APP_ID, log });
  return { report, warnings };
}

describe('start-up self-check of the default branch protection', () => {
  test('both checks required from this app (classic protection): no warning', async () => {
    t = await createPublishApp();
    const { report, warnings } = await check(branch([{ context: 'freigabe/validation', app_id: APP_ID }, { context: 'freigabe/approval', app_id: APP_ID }]), []);
    expect(report).toEqual({ pinned: ['freigabe/validation', 'freigabe/approval'], unpinned: [], missing: [], unreadable: false });
    expect(warnings).toEqual([]);
  });

  test('attack surface: the approval check required from any source, the validation check not at all — a warning names both', async () => {
    t = await createPublishApp();
    const { report, warnings } = await check(branch([{ context: 'freigabe/approval', app_id: null }]), []);
    expect(report).toMatchObject({ pinned: [], unpinned: ['freigabe/approval'], missing: ['freigabe/validation'] });
    expect(warnings).toEqual([expect.objectContaining({ missing: ['freigabe/validation'], unpinned: ['freigabe/approval'] })]);
  });

  test('a ruleset that requires both from this app counts too', async () => {
    t = await createPublishApp();
    const { report, warnings } = await check(branch(null), rules([{ context: 'freigabe/validation', integration_id: APP_ID }, { context: 'freigabe/approval', integration_id: APP_ID }]));
    expect(report.pinned).toEqual(['freigabe/validation', 'freigabe/approval']);
    expect(warnings).toEqual([]);
  });

  test('the reconciler runs it once per repository before reconciling', async () => {
    t = await createPublishApp();
    const m = t.mock;
    m.on('GET', '/app/installations?per_page=100', { body: [{ id: INSTALLATION, account: userJson(OWNER), suspended_at: null, app_id: APP_ID, target_type: 'Organization' }] }, { times: 2 });
    m.on('GET', '/installation/repositories?per_page=100', { body: { total_count: 1, repositories: [{ id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, owner: userJson(OWNER), default_branch: 'main' }] } }, { times: 2 });
    m.on('GET', `${API_BASE}/branches/main`, { body: branch(null) });
    m.on('GET', `${API_BASE}/rules/branches/main?per_page=100`, { body: [] });
    // archived: nothing to reconcile, so the pass is only the self-check
    m.on('GET', API_BASE, { body: { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', archived: true } });
    const seen: string[] = [];
    const reconciler = new Reconciler({
      app: t.probot,
      log: silentLogger,
      deps: { cache: new LruSnapshotCache(), limits: DEFAULT_ARCHIVE_LIMITS },
      onFirstSight: async (octokit, r) => {
        seen.push(`${r.owner}/${r.repo}@${r.defaultBranch}`);
        await checkBranchProtection({ octokit, ...r, appId: APP_ID, log: silentLogger });
      },
    });
    await reconciler.tick();
    await reconciler.tick();
    expect(seen).toEqual([`${OWNER}/${REPO}@main`]);
  });
});
