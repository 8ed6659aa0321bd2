/**
 * Start-up self-check: does the default branch actually require freigabe's two checks, from
 * this app? Without that, every rule freigabe enforces is advice. Checked once per repository
 * when the reconciler first sees it; a gap is a warning in the log, never a failure.
 *
 * Reads only what the app's permissions already allow (no `administration` permission):
 *   GET /repos/{o}/{r}/branches/{branch}        classic branch protection (`protection.required_status_checks.checks`: context + app_id)
 *   GET /repos/{o}/{r}/rules/branches/{branch}  rulesets (`required_status_checks`: context + integration_id)
 * When GitHub shows neither (protection details can be hidden from apps), the warning says so
 * and how to check by hand (README "Branch protection").
 */
import { APPROVAL_CHECK, VALIDATION_CHECK } from '../pull-request/checks.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import type { Logger } from '../publication/publish.js';

export const REQUIRED_CHECKS = [VALIDATION_CHECK, APPROVAL_CHECK] as const;

export interface ProtectionReport {
  /** Required and pinned to this app. */
  readonly pinned: readonly string[];
  /** Required, but from any source (or another app): anyone able to post a check of that name can satisfy it. */
  readonly unpinned: readonly string[];
  readonly missing: readonly string[];
  /** Neither classic protection nor rulesets could be read. */
  readonly unreadable: boolean;
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

interface Required {
  readonly context: string;
  readonly appId: number | null | undefined;
}

export interface CheckBranchProtectionParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly defaultBranch: string;
  readonly appId: number;
  readonly log: Logger;
}

export async function checkBranchProtection(params: CheckBranchProtectionParams): Promise<ProtectionReport> {
  const { octokit, owner, repo, defaultBranch: branch, appId, log } = params;
  const required: Required[] = [];
  let readable = 0;
  try {
    const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch });
    const checks = data.protection?.required_status_checks;
    if (checks) {
      readable++;
      for (const c of checks.checks ?? []) required.push({ context: c.context, appId: c.app_id });
      for (const context of checks.contexts ?? []) if (!required.some((r) => r.context === context)) required.push({ context, appId: undefined });
    } else if (data.protected === false) readable++;
  } catch (error) {
    if (status(error) !== 403 && status(error) !== 404) throw error;
  }
  try {
    const rules = await octokit.paginate(octokit.rest.repos.getBranchRules, { owner, repo, branch, per_page: 100 });
    readable++;
    for (const rule of rules) {
      if (rule.type !== 'required_status_checks') continue;
      const list = (rule as { parameters?: { required_status_checks?: { context: string; integration_id?: number }[] } }).parameters?.required_status_checks ?? [];
      for (const c of list) required.push({ context: c.context, appId: c.integration_id });
    }
  } catch (error) {
    if (status(error) !== 403 && status(error) !== 404) throw error;
  }

  const pinned: string[] = [];
  const unpinned: string[] = [];
  const missing: string[] = [];
  for (const name of REQUIRED_CHECKS) {
    const found = required.filter((r) => r.context === name);
    if (found.some((r) => r.appId === appId)) pinned.push(name);
    else if (found.length > 0) unpinned.push(name);
    else missing.push(name);
  }
  const report = { pinned, unpinned, missing, unreadable: readable === 0 };
  if (report.unreadable) {
    log.warn({ repository: `${owner}/${repo}`, branch }, 'freigabe cannot read the branch protection of the default branch; check by hand that both freigabe checks are required from this app (README "Branch protection")');
  } else if (missing.length > 0 || unpinned.length > 0) {
    log.warn(
      { repository: `${owner}/${repo}`, branch, missing, unpinned, appId },
      'the default branch does not require both freigabe checks from this app: merges are not gated by the Freigabe (README "Branch protection")',
    );
  }
  return report;
}
