/**
 * The rendered branches are freigabe's: Argo CD and Flux apply whatever they hold, so a push to
 * `rendered/*` by anyone else is repaired on its own `push` event, not at the next
 * reconciliation. The repair is the reconciliation's publication of the default-branch head
 * (trees compared, not trailers: a new commit on top, fast-forward, never forced), and it is
 * reported three ways: a warning in the log, a counter (src/github/publication/security-events.ts), and a
 * commit comment on the foreign commit that mentions the platform approvers, so the platform
 * team sees it where it happened.
 *
 * Branch protection should stop such pushes in the first place (README "Branch protection");
 * this is the second line. Rendered output in a separate deploy repository (`output.repository`)
 * is not watched here: freigabe only receives pushes of repositories it is installed on.
 */
import { botLogin, type IdentityResolver } from '../platform/app-identity.js';
import type { GitHubClient } from '../platform/github-client.js';
import { publishCommit, type Logger, type PublicationDeps, type PublishCommitResult } from './publish.js';
import { readDefaultBranchSettings } from '../platform/settings.js';
import { countForeignRenderedPush } from './security-events.js';

const ZERO_SHA = /^0+$/;

export interface RenderedPushLike {
  readonly ref: string;
  readonly after: string;
  readonly deleted?: boolean;
  readonly sender?: { readonly login: string } | null;
  readonly repository: { readonly name: string; readonly owner: { readonly login?: string; readonly name?: string | null } | null; readonly default_branch?: string };
}

export interface GuardRenderedPushParams {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly payload: RenderedPushLike;
  readonly deps: PublicationDeps & { readonly identity: IdentityResolver };
}

export type GuardResult =
  | { readonly status: 'not-rendered' | 'own' }
  | { readonly status: 'repaired'; readonly branch: string; readonly by: string; readonly published: PublishCommitResult };

export async function guardRenderedPush(params: GuardRenderedPushParams): Promise<GuardResult> {
  const { octokit, log, payload, deps } = params;
  const owner = payload.repository.owner?.login ?? payload.repository.owner?.name ?? '';
  const repo = payload.repository.name;
  const defaultBranch = payload.repository.default_branch ?? 'main';
  if (!payload.ref.startsWith('refs/heads/')) return { status: 'not-rendered' };
  const branch = payload.ref.slice('refs/heads/'.length);
  if (branch === defaultBranch) return { status: 'not-rendered' };
  const by = payload.sender?.login ?? '';
  if (by.toLowerCase() === botLogin(await deps.identity()).toLowerCase()) return { status: 'own' };

  const settings = (await readDefaultBranchSettings({ octokit, owner, repo, defaultBranch })).settings;
  if (settings.output.repository || !branch.startsWith(settings.output.branchPrefix)) return { status: 'not-rendered' };

  const head = (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` })).data.object.sha;
  const published = await publishCommit({ octokit, log, owner, repo, defaultBranch, sha: head, deps, trustTrailers: false });
  countForeignRenderedPush();
  const repaired = published.ok ? published.stages.filter((s) => s.commit).map((s) => s.stage) : [];
  log.warn({ repository: `${owner}/${repo}`, branch, by, commit: payload.after, deleted: payload.deleted === true, repaired, source: head }, 'push to a rendered branch by someone other than freigabe; repaired');

  const commentOn = payload.deleted || ZERO_SHA.test(payload.after) ? head : payload.after;
  const platform = published.ok ? (published.estate.platform?.data.spec.approvers ?? []) : [];
  const locale = published.ok ? published.estate.settings.locale : settings.locale;
  await octokit.rest.repos.createCommitComment({ owner, repo, commit_sha: commentOn, body: reportText({ locale, branch, by, source: head, platform, repaired: published.ok }) });
  return { status: 'repaired', branch, by, published };
}

function reportText(p: { locale: 'de' | 'en'; branch: string; by: string; source: string; platform: readonly string[]; repaired: boolean }): string {
  const mention = p.platform.map((a) => (a.startsWith('@') ? a : `@${a}`)).join(' ');
  const short = p.source.slice(0, 12);
  if (p.locale === 'en') {
    return [
      `⚠️ **${p.by || 'Someone'} pushed to \`${p.branch}\`**, which only freigabe writes: Argo CD / Flux apply what this branch holds.`,
      p.repaired
        ? `freigabe has restored the branch to the rendering of the default branch (${short}) with a new commit on top.`
        : `freigabe could not restore it (the default branch ${short} does not render); please check the branch by hand.`,
      'Changes reach a stage only through a pull request into the default branch. Protect `rendered/*` so that only the app may push (README, "Branch protection").',
      mention ? `Platform: ${mention}` : '',
    ].filter((l) => l !== '').join('\n\n');
  }
  return [
    `⚠️ **${p.by || 'Jemand'} hat auf \`${p.branch}\` gepusht**, den nur freigabe schreibt: Argo CD / Flux wenden an, was dieser Branch enthält.`,
    p.repaired
      ? `freigabe hat den Branch mit einem neuen Commit wieder auf das Rendering des Default-Branches (${short}) gesetzt.`
      : `freigabe konnte ihn nicht wiederherstellen (der Default-Branch ${short} lässt sich nicht rendern); bitte den Branch von Hand prüfen.`,
    'Änderungen kommen nur über einen Pull Request in den Default-Branch in eine Stage. Bitte `rendered/*` so schützen, dass nur die App pushen darf (README, „Branch protection“).',
    mention ? `Plattform: ${mention}` : '',
  ].filter((l) => l !== '').join('\n\n');
}
