/**
 * GitHub Deployments (PRODUCT.md §4.2): one per changed Fachverfahren and stage, in the
 * repository that holds the rendered commit, environment `<stage>/<verfahren>`.
 *
 * ref = the rendered commit, not the source commit: that commit is what Argo CD and Flux
 * apply and report back as their synced revision (`status.sync.revision`,
 * `status.lastAppliedRevision`), so the status reader (§4.5) finds the deployment by the
 * revision the cluster names. The source commit, pull request and approvers are in the
 * payload and in the rendered commit's trailers.
 *
 * The first status is `queued`: the manifests are on the branch and wait for Argo CD/Flux;
 * `success` would claim a rollout nobody has observed. The Argo CD status reader moves it on.
 */
import { findStage, stageNames, type Estate } from '../../core/model.js';
import { digestOf } from '../../core/promotion-proposal.js';
import type { GitHubClient } from '../platform/github-client.js';
import type { AuditInfo, Logger, StagePublication } from './publication-model.js';

export interface DeploymentRecord {
  readonly stage: string;
  /** The Fachverfahren, or '*' for a stage-wide deployment (see MAX_DEPLOYMENTS_PER_STAGE). */
  readonly verfahren: string;
  readonly id: number;
}

/**
 * Above this many changed Fachverfahren in one stage (a first publication, a platform or
 * template change) the stage gets ONE deployment, environment `<stage>`, naming them all in its
 * payload: two writes instead of two per Fachverfahren, which for 1,000 Fachverfahren × 4
 * stages would be 8,000 writes, 16 hours of GitHub's write budget (500 an hour).
 */
export const MAX_DEPLOYMENTS_PER_STAGE = 5;

export interface CreateDeploymentsParams {
  readonly octokit: GitHubClient;
  readonly publications: readonly StagePublication[];
  readonly estate: Estate;
  /** The source commit on the default branch. */
  readonly sha: string;
  readonly audit: AuditInfo;
  readonly log: Logger;
}

const TEXT = {
  de: {
    deployment: (v: string, stage: string) => `freigabe: ${v} in ${stage}`,
    stageWide: (n: number, stage: string) => `freigabe: ${n} Fachverfahren in ${stage}`,
    queued: (branch: string) => `Gerendert nach ${branch}; wartet auf Argo CD/Flux.`,
    removed: (branch: string) => `Aus ${branch} entfernt; Argo CD/Flux räumen auf.`,
  },
  en: {
    deployment: (v: string, stage: string) => `freigabe: ${v} in ${stage}`,
    stageWide: (n: number, stage: string) => `freigabe: ${n} Fachverfahren in ${stage}`,
    queued: (branch: string) => `Rendered to ${branch}; waiting for Argo CD/Flux.`,
    removed: (branch: string) => `Removed from ${branch}; Argo CD/Flux prune it.`,
  },
} as const;

/** GitHub limits a deployment status description to 140 characters. */
function short(text: string, max = 140): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export async function createDeployments(params: CreateDeploymentsParams): Promise<DeploymentRecord[]> {
  const { octokit, estate, log } = params;
  const t = TEXT[estate.settings.locale];
  const stages = stageNames(estate);
  const last = stages[stages.length - 1];
  const out: DeploymentRecord[] = [];
  for (const pub of params.publications) {
    if (!pub.commit) continue;
    const { owner, repo, branch } = pub.target;
    const stageTitle = findStage(estate, pub.stage)?.title ?? pub.stage;
    const stageWide = pub.verfahren.length > MAX_DEPLOYMENTS_PER_STAGE;
    for (const verfahren of stageWide ? ['*'] : pub.verfahren) {
      const booking = estate.verfahren.get(verfahren)?.bookings.get(pub.stage);
      const removed = !stageWide && !booking;
      const components = (booking?.data.spec.components ?? []).map((c) => ({ name: c.name, image: c.image, digest: digestOf(c.image) }));
      const { data, status } = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: pub.commit,
        task: 'deploy',
        environment: stageWide ? pub.stage : `${pub.stage}/${verfahren}`,
        description: short(stageWide ? t.stageWide(pub.verfahren.length, stageTitle) : t.deployment(verfahren, stageTitle)),
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        production_environment: pub.stage === last,
        payload: {
          freigabe: 1,
          verfahren,
          stage: pub.stage,
          source: params.sha,
          rendered: pub.commit,
          path: stageWide ? pub.target.prefix || '.' : `${pub.target.prefix}${verfahren}`,
          ...(stageWide ? { changed: pub.verfahren } : {}),
          ...(params.audit.pullRequest ? { pullRequest: `${params.audit.pullRequest.repository}#${params.audit.pullRequest.number}` } : {}),
          approvedBy: params.audit.approvedBy.map((a) => a.login),
          notfall: params.audit.notfall,
          removed,
          components,
        },
      });
      // 202 means GitHub merged or declined instead of creating (auto_merge); not expected with auto_merge: false.
      if (status !== 201 || !('id' in data)) {
        log.warn({ stage: pub.stage, verfahren, message: (data as { message?: string }).message }, 'deployment not created');
        continue;
      }
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: data.id,
        state: 'queued',
        description: short(removed ? t.removed(branch) : t.queued(branch)),
        log_url: `https://github.com/${owner}/${repo}/commit/${pub.commit}`,
      });
      out.push({ stage: pub.stage, verfahren, id: data.id });
    }
  }
  return out;
}
