/**
 * One head commit, several pull requests into the default branch. A check run belongs to the
 * commit, so what `freigabe/validation` and `freigabe/approval` say on it must hold for every
 * open pull request into the default branch with that head: the conclusion posted is the worst
 * of theirs (green only if every one of them is green), whichever of them was evaluated last.
 *
 *   sharedHeadPulls    the other open pull requests into the default branch with this head
 *                      (GET /repos/{o}/{r}/commits/{sha}/pulls, one call)
 *   combineSharedHead  the conjunction of their check contents (pure)
 */
import type { Locale } from '../../i18n/github.js';
import type { CheckRunContent, Conclusion } from './checks.js';
import type { GitHubClient } from '../platform/github-client.js';
import type { PullRequestFeedback } from './pull-request-feedback.js';
import { targetOf, type PullLike, type PullRequestTarget } from '../platform/pull-request.js';

const RANK: Record<Conclusion, number> = { success: 0, neutral: 1, action_required: 2, failure: 3 };

export async function sharedHeadPulls(params: { octokit: GitHubClient; target: PullRequestTarget }): Promise<PullRequestTarget[]> {
  const { octokit, target } = params;
  const pulls = (await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
    owner: target.owner,
    repo: target.repo,
    commit_sha: target.headSha,
    per_page: 100,
  })) as unknown as (PullLike & { base: { ref: string } })[];
  const repository = { name: target.repo, owner: { login: target.owner }, default_branch: target.defaultBranch };
  return pulls
    .filter((p) => p.state === 'open' && p.number !== target.number && p.head.sha === target.headSha && p.base.ref === target.defaultBranch)
    .sort((a, b) => a.number - b.number)
    .map((p) => targetOf(repository, p));
}

export interface SharedHeadOther {
  readonly number: number;
  readonly publication: PullRequestFeedback;
}

const NOTE = {
  de: (numbers: string, title: string) =>
    `**Derselbe Commit ist auch Kopf von Pull Request ${numbers} in den Default-Branch.** Ein Check gilt für den Commit, nicht für einen Pull Request; deshalb zeigt er das schlechteste Ergebnis aller dieser Pull Requests (dort: „${title}“).`,
  en: (numbers: string, title: string) =>
    `**The same commit is also the head of pull request ${numbers} into the default branch.** A check belongs to the commit, not to one pull request, so it shows the worst result of all of them (there: "${title}").`,
} as const;

function combine({ own, others, locale }: { own: CheckRunContent; others: readonly { number: number; run: CheckRunContent }[]; locale: Locale }): CheckRunContent {
  const worse = others.filter((o) => RANK[o.run.conclusion] > RANK[own.conclusion]).sort((a, b) => RANK[b.run.conclusion] - RANK[a.run.conclusion] || a.number - b.number);
  if (worse.length === 0) return own;
  const worst = worse[0];
  const numbers = worse.map((o) => `#${o.number}`).join(', ');
  return { ...own, conclusion: worst.run.conclusion, title: `#${worst.number}: ${worst.run.title}`, summary: `${NOTE[locale](numbers, worst.run.title)}\n\n${own.summary}` };
}

/** The own publication with each check downgraded to the worst conclusion among the pull requests sharing its head. */
export function combineSharedHead(params: { own: PullRequestFeedback; others: readonly SharedHeadOther[]; locale: Locale }): PullRequestFeedback {
  const { own, others, locale } = params;
  if (others.length === 0) return own;
  return {
    ...own,
    validation: combine({ own: own.validation, others: others.map((o) => ({ number: o.number, run: o.publication.validation })), locale }),
    approval: combine({ own: own.approval, others: others.map((o) => ({ number: o.number, run: o.publication.approval })), locale }),
  };
}
