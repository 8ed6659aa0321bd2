/**
 * Promotion pull requests (PRODUCT.md §4.3): after stage N of a Fachverfahren got new images,
 * a pull request `freigabe/promote/<verfahren>/<stage N+1>` → default branch that sets stage
 * N+1 to the same digests, with review requested from the Verfahrensverantwortliche.
 *
 *   1. build   proposePromotion (pure): the booking text, title and body
 *   2. commit  one commit on top of the default-branch head (Git Data API: commit → tree with
 *              the file's content → commit); none when the branch already proposes that head
 *              in a commit that is freigabe's own (verified, by its bot: src/github/platform/own-commits.ts;
 *              parent and trailer alone can be forged) and names whoever asked for it
 *              (`Freigabe-Requested-By`, so that person cannot approve it)
 *   3. branch  create it, or reset it to that commit. The promotion branch belongs to freigabe,
 *              so this update is forced: a refreshed proposal always starts from the current
 *              default branch, never from a stale one. Commits pushed to it by hand are
 *              replaced (the pull request body says so).
 *   4. pull    the open pull request for that branch is updated, or one is opened
 *   5. review  requested from the VVs, without the author of the change
 */
import { hasErrors } from '../../core/diagnostics.js';
import { loadEstate, loadSettings } from '../../core/load.js';
import { findStage, stageNames, type Estate } from '../../core/model.js';
import { previousStage, proposePromotion, type ProposalResult } from '../../core/promotion-proposal.js';
import { parseTrailers, TRAILER } from '../../core/publication.js';
import type { IdentityResolver } from '../platform/app-identity.js';
import { requestersOf } from '../pull-request/contributor-facts.js';
import { isOwnCommit } from '../platform/own-commits.js';
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import type { Logger } from './publication-model.js';
import { hasWriteAccess, refuseCommand } from '../platform/command-permission.js';
import type { SnapshotCache } from '../platform/snapshot-cache.js';
import { readSnapshot } from '../platform/snapshot-reader.js';
import type { ArchiveLimits } from '../platform/tarball.js';

export interface PromotionPrParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly defaultBranch: string;
  /** Head of the default branch; the proposal is a commit on top of it. */
  readonly headSha: string;
  /** The estate at headSha. */
  readonly estate: Estate;
  readonly verfahren: string;
  /** The stage whose images are promoted (N). */
  readonly from: string;
  /**
   * The change behind the proposal: its pull request (for the body) and the logins not to ask
   * for review (its author, the commenter). Asked only when the pull request is written, so a
   * re-delivered push that finds the proposal current costs no lookups.
   */
  readonly context?: () => Promise<PromotionContext>;
  readonly log: Logger;
  /** Who ran `/freigabe promote`; recorded in freigabe's own commit, so they cannot approve it. */
  readonly requestedBy?: string;
  /** The app's identity; without it no branch head counts as freigabe's own (it is rebuilt). */
  readonly identity?: IdentityResolver;
}

export interface PromotionContext {
  readonly source?: { readonly repository: string; readonly number: number; readonly url?: string };
  readonly exclude?: readonly string[];
}

export type PromotionPrResult =
  | { readonly status: 'opened' | 'updated' | 'unchanged'; readonly number: number; readonly url: string; readonly branch: string; readonly reviewers: readonly string[] }
  | { readonly status: 'skipped'; readonly reason: Exclude<ProposalResult, { ok: true }>['reason']; readonly detail?: string };

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

export async function openPromotionPr(params: PromotionPrParams): Promise<PromotionPrResult> {
  const { octokit, owner, repo, estate, log } = params;
  const propose = (source?: PromotionContext['source']) =>
    proposePromotion({ estate, verfahren: params.verfahren, from: params.from, ...(source ? { source } : {}), sourceSha: params.headSha, locale: estate.settings.locale });
  const result = propose();
  if (!result.ok) {
    log.info({ verfahren: params.verfahren, from: params.from, reason: result.reason, detail: result.detail }, 'no promotion pull request');
    return { status: 'skipped', reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) };
  }
  let p = result.proposal;
  let context: PromotionContext | undefined;
  const withContext = async () => {
    if (!context) {
      context = (await params.context?.()) ?? {};
      const again = propose(context.source);
      if (again.ok) p = again.proposal;
    }
    return context;
  };

  // The branch already proposes this very default-branch commit (a re-delivered push, a
  // repeated command): no new commit, and an open pull request is left as it is.
  let branchHead: string | undefined;
  try {
    branchHead = (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${p.branch}` })).data.object.sha;
  } catch (error) {
    if (status(error) !== 404) throw error;
  }
  let current = false;
  let requesters: string[] = [];
  if (branchHead) {
    const { data } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: branchHead });
    const own = params.identity !== undefined && isOwnCommit(data, await params.identity());
    const proposes = own && data.parents.length === 1 && data.parents[0].sha === params.headSha && parseTrailers(data.message).stage === p.to;
    if (proposes) requesters = requestersOf(data.message);
    const asked = params.requestedBy?.toLowerCase();
    current = proposes && (asked === undefined || requesters.some((r) => r.toLowerCase() === asked));
    if (branchHead && !own) log.warn({ branch: p.branch, commit: branchHead }, 'promotion branch head is not freigabe’s own commit; replacing it');
  }
  if (params.requestedBy && !requesters.some((r) => r.toLowerCase() === params.requestedBy!.toLowerCase())) requesters = [...requesters, params.requestedBy];
  if (!current) {
    await withContext();
    const { data: head } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: params.headSha });
    const { data: tree } = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: head.tree.sha,
      tree: [{ path: p.file, mode: '100644', type: 'blob', content: p.text }],
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: `${p.title}\n\n${TRAILER.source}: ${params.headSha}\n${TRAILER.stage}: ${p.to}\n${requesters.map((r) => `${TRAILER.requestedBy}: ${r}\n`).join('')}`,
      tree: tree.sha,
      parents: [params.headSha],
    });
    if (branchHead) await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${p.branch}`, sha: commit.sha, force: true });
    else await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${p.branch}`, sha: commit.sha });
  }

  const { data: open } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${p.branch}`, state: 'open', per_page: 10 });
  let number: number;
  let url: string;
  let state: 'opened' | 'updated';
  if (open.length > 0) {
    ({ number, html_url: url } = open[0]);
    if (current) return { status: 'unchanged', number, url, branch: p.branch, reviewers: [] };
    await withContext();
    await octokit.rest.pulls.update({ owner, repo, pull_number: number, title: p.title, body: p.body });
    state = 'updated';
  } else {
    await withContext();
    const { data: pr } = await octokit.rest.pulls.create({ owner, repo, head: p.branch, base: params.defaultBranch, title: p.title, body: p.body });
    ({ number, html_url: url } = pr);
    state = 'opened';
  }

  const excluded = new Set(((await withContext()).exclude ?? []).map((l) => l.toLowerCase()));
  const vvs = estate.verfahren.get(params.verfahren)?.doc?.data.spec.verfahrensverantwortliche ?? [];
  // VVs are logins by schema; anything written as @org/team would need team_reviewers and is left out.
  const reviewers = vvs.filter((l) => !l.startsWith('@') && !excluded.has(l.toLowerCase()));
  if (reviewers.length > 0) {
    try {
      await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: number, reviewers });
    } catch (error) {
      // 422: a VV is not a collaborator of the repository. The pull request stands; the
      // approval check names the VVs anyway.
      if (status(error) !== 422) throw error;
      log.warn({ number, reviewers }, 'could not request review from the Verfahrensverantwortliche');
    }
  }
  log.info({ number, branch: p.branch, state, components: p.components.map((c) => c.name) }, 'promotion pull request');
  return { status: state, number, url, branch: p.branch, reviewers };
}

const TEXT = {
  de: {
    unknownStage: (stage: string, stages: string) => `Die Stage „${stage}“ gibt es nicht. Bekannte Stages: ${stages}.`,
    firstStage: (stage: string) => `„${stage}“ ist die erste Stage; eine Promotion kommt immer aus der vorigen Stage. Beispiel: \`/freigabe promote <verfahren> <ziel-stage>\`.`,
    notReadable: 'Der Default-Branch enthält Fehler oder ist zu groß; eine Promotion ist erst nach der Korrektur möglich.',
    result: (r: PromotionPrResult, verfahren: string, from: string, to: string): string => {
      if (r.status === 'skipped') {
        switch (r.reason) {
          case 'up-to-date':
            return `${verfahren} läuft in ${to} bereits mit denselben Images wie in ${from}. Nichts zu tun.`;
          case 'no-booking':
            return `${verfahren} hat in ${from} keine Buchung; es gibt nichts zu übernehmen.`;
          default:
            return `Für ${verfahren} in ${to} kann freigabe keinen Vorschlag erzeugen (${r.reason}${r.detail ? `: ${r.detail}` : ''}).`;
        }
      }
      const verb = r.status === 'opened' ? 'geöffnet' : r.status === 'updated' ? 'aktualisiert' : 'ist bereits aktuell';
      return `Promotion-Pull-Request #${r.number} für ${verfahren} nach ${to} ${verb}: ${r.url}`;
    },
  },
  en: {
    unknownStage: (stage: string, stages: string) => `There is no stage "${stage}". Known stages: ${stages}.`,
    firstStage: (stage: string) => `"${stage}" is the first stage; a promotion always comes from the previous stage. Example: \`/freigabe promote <verfahren> <target-stage>\`.`,
    notReadable: 'The default branch has errors or is too large; a promotion is possible once it is fixed.',
    result: (r: PromotionPrResult, verfahren: string, from: string, to: string): string => {
      if (r.status === 'skipped') {
        switch (r.reason) {
          case 'up-to-date':
            return `${verfahren} already runs the same images in ${to} as in ${from}. Nothing to do.`;
          case 'no-booking':
            return `${verfahren} has no booking in ${from}; there is nothing to promote.`;
          default:
            return `freigabe cannot propose ${verfahren} for ${to} (${r.reason}${r.detail ? `: ${r.detail}` : ''}).`;
        }
      }
      const verb = r.status === 'opened' ? 'opened' : r.status === 'updated' ? 'updated' : 'is already up to date';
      return `Promotion pull request #${r.number} for ${verfahren} to ${to} ${verb}: ${r.url}`;
    },
  },
} as const;

export interface PromoteCommandParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly defaultBranch: string;
  /** The pull request the command was written on (the answer goes there). */
  readonly number: number;
  readonly commenter: string;
  readonly verfahren: string;
  /** The target stage: `/freigabe promote wohngeld produktion` proposes Produktion. */
  readonly stage: string;
  readonly deps: { readonly cache: SnapshotCache; readonly limits: ArchiveLimits; readonly identity?: IdentityResolver };
}

export type PromoteCommandOutcome = 'refused' | 'invalid' | 'done';

/**
 * `/freigabe promote <verfahren> <stage>`: the same as after a merge, on demand, based on the
 * current default-branch head: <stage> gets the images of the stage before it.
 */
export async function handlePromoteCommand(params: PromoteCommandParams): Promise<PromoteCommandOutcome> {
  const { octokit, log, owner, repo, number, commenter, defaultBranch } = params;
  const reply = (body: string) => octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });

  const access = await hasWriteAccess({ octokit, owner, repo, username: commenter });
  if (!access.allowed) {
    log.info({ commenter, role: access.role, pull: `${owner}/${repo}#${number}` }, 'promote command refused: no write access');
    await refuseCommand({ octokit, owner, repo, defaultBranch, number, username: commenter, command: '/freigabe promote' });
    return 'refused';
  }

  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` });
  const headSha = ref.object.sha;
  const read = await readSnapshot({ octokit, owner, repo, sha: headSha, scope: [], cache: params.deps.cache, limits: params.deps.limits });
  const settings = read.ok ? loadSettings(read.snapshot) : undefined;
  const locale = settings?.value.locale ?? 'de';
  const loaded = read.ok && settings && settings.diagnostics.length === 0 ? loadEstate({ snapshot: read.snapshot, settings: settings.value }) : undefined;
  if (!loaded || hasErrors(loaded.diagnostics)) {
    await reply(TEXT[locale].notReadable);
    return 'invalid';
  }
  const estate = loaded.value;
  const t = TEXT[estate.settings.locale];
  if (!findStage(estate, params.stage)) {
    await reply(t.unknownStage(params.stage, stageNames(estate).join(', ')));
    return 'invalid';
  }
  const from = previousStage(estate, params.stage);
  if (!from) {
    await reply(t.firstStage(params.stage));
    return 'invalid';
  }
  const result = await openPromotionPr({ octokit, owner, repo, defaultBranch, headSha, estate, verfahren: params.verfahren, from, context: async () => ({ exclude: [commenter] }), log, requestedBy: commenter, ...(params.deps.identity ? { identity: params.deps.identity } : {}) });
  await reply(t.result(result, params.verfahren, findStage(estate, from)?.title ?? from, findStage(estate, params.stage)?.title ?? params.stage));
  return 'done';
}
