/**
 * Workers: the jobs intake.ts queues, run by the queue (src/github/queue/) in this process or
 * in any replica. Each reads the facts intake recorded, not the delivery that queued it, so a
 * job that ran late or was coalesced still does the newest work:
 *
 *   evaluate  the newest state of a pull request → evaluate.ts; published only if no newer
 *             head has arrived meanwhile; one at a time per pull request
 *   publish   the pending pushes of a repository → publish.ts for the newest commit, and the
 *             promotion pull requests from the oldest `before`; one at a time per repository
 *             (reconciliation takes the same lock)
 *   recheck   `/freigabe recheck`: permission, then an evaluation
 *   promote   `/freigabe promote`: promotion-pr.ts
 *
 * A transient GitHub failure propagates to the queue, which retries the job later; any other
 * failure of an evaluation is the "internal error" check as before.
 */
import type { Logger, Probot } from 'probot';
import { hasWriteAccess, refuseCommand } from './platform/command-permission.js';
import { evaluatePullRequest, publish, type EvaluationDeps } from './pull-request/evaluate.js';
import { countEvaluation } from '../ops/metrics.js';
import type { GitHubClient } from './platform/github-client.js';
import { pullKey, repoKey, requestEvaluation, type PendingPush, type PullRef } from './intake/intake.js';
import { loggable } from './platform/loggable.js';
import { handlePromoteCommand } from './publication/promotion-pr.js';
import { handlePush, proposePromotions, type PublicationDeps } from './publication/publish.js';
import { guardRenderedPush, type RenderedPushLike } from './publication/rendered-guard.js';
import { identityResolver } from './platform/app-identity.js';
import { internalErrorPublication } from './pull-request/pull-request-feedback.js';
import { targetOf, type PullLike, type PullRequestTarget } from './platform/pull-request.js';
import { STATE_TTL_SECONDS, type DomainQueue, type HandlerResult } from './queue/domain-queue.js';
import { transience } from './queue/transient.js';
import type { JobData } from './queue/types.js';

interface WorkerContext {
  readonly app: Pick<Probot, 'auth' | 'log'>;
  readonly queue: DomainQueue;
}

function logFor(app: WorkerContext['app'], job: JobData, fields: Record<string, unknown>): Logger {
  // The names Probot and src/ops/event-log.ts give a webhook's lines: `id` is the delivery.
  return app.log.child({ ...(job.deliveryId ? { id: job.deliveryId } : {}), ...(job.event ? { event: job.event } : {}), ...fields });
}

/** The newest recorded state of a pull request (intake.ts). */
async function newestTarget(queue: DomainQueue, key: string): Promise<PullRequestTarget | undefined> {
  const stored = await queue.state.get(`pr:${key}`);
  return stored ? (JSON.parse((JSON.parse(stored) as { value: string }).value) as PullRequestTarget) : undefined;
}

export function registerEvaluationWorkers(context: WorkerContext & { deps: EvaluationDeps }): void {
  const { app, queue, deps } = context;

  queue.handle('evaluate', { coalesce: true, lock: (job) => `pull:${job.key}` }, async (job) => {
    const ref = job.payload as unknown as PullRef;
    const key = job.key;
    const log = logFor(app, job, { repository: repoKey(ref.owner, ref.repo) });
    const octokit = (await app.auth(job.installationId)) as unknown as GitHubClient;
    // Probot logs each GitHub request through the client's logger: the job's bindings too.
    (octokit as { log: unknown }).log = log;
    if ((await queue.state.get(`refresh:${key}`)) || !(await newestTarget(queue, key))) {
      let pull: PullLike & { updated_at: string };
      try {
        pull = (await octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number })).data as unknown as PullLike & { updated_at: string };
      } catch (error) {
        if (transience(error)) throw error;
        // Without the pull request there is no head commit to put a failed check on.
        log.error({ err: loggable(error) }, 'freigabe could not read the pull request');
        return 'failed';
      }
      const repository = { name: ref.repo, owner: { login: ref.owner }, default_branch: ref.defaultBranch };
      await queue.state.setIfNotOlder(`pr:${key}`, JSON.stringify(targetOf(repository, pull)), pull.updated_at, STATE_TTL_SECONDS);
      await queue.state.take(`refresh:${key}`);
    }
    const target = (await newestTarget(queue, key))!;
    if (target.state !== 'open') return 'ok';
    const stillCurrent = async () => (await newestTarget(queue, key))?.headSha === target.headSha;
    try {
      const evaluation = await countEvaluation(evaluatePullRequest({ octokit, log, target, deps, stillCurrent }));
      if (evaluation.superseded) log.info({ sha: target.headSha }, 'a newer head arrived during the evaluation; its own evaluation publishes');
      return evaluation.superseded ? 'coalesced' : 'ok';
    } catch (error) {
      if (transience(error)) throw error;
      log.error({ err: loggable(error), sha: target.headSha }, 'freigabe internal error');
      try {
        if (await stillCurrent()) await publish({ octokit, log, target, publication: internalErrorPublication() });
      } catch (publishError) {
        log.error({ err: loggable(publishError) }, 'freigabe could not mark the checks as failed');
      }
      return 'failed';
    }
  });

  queue.handle('recheck', { coalesce: false }, async (job) => {
    const p = job.payload as unknown as PullRef & { commenter: string };
    const log = logFor(app, job, { repository: repoKey(p.owner, p.repo), pull: pullKey(p.owner, p.repo, p.number) });
    const octokit = (await app.auth(job.installationId)) as unknown as GitHubClient;
    // Probot logs each GitHub request through the client's logger: the job's bindings too.
    (octokit as { log: unknown }).log = log;
    const who = { octokit, owner: p.owner, repo: p.repo, username: p.commenter };
    if (!(await hasWriteAccess(who)).allowed) {
      await refuseCommand({ ...who, defaultBranch: p.defaultBranch, number: p.number, command: '/freigabe recheck' });
      return 'ok';
    }
    await requestEvaluation(queue, { installationId: job.installationId, ...(job.deliveryId ? { deliveryId: job.deliveryId } : {}) }, p);
    return 'ok';
  });
}

/** The newest commit of the pending pushes and the `before`s they start from. */
export function pushChain(pending: Record<string, string>): { tip: string; defaultBranch: string; roots: string[]; cloneUrl?: string } | undefined {
  const pushes = Object.entries(pending).map(([after, json]) => ({ after, ...(JSON.parse(json) as PendingPush) }));
  if (pushes.length === 0) return undefined;
  const befores = new Set(pushes.map((p) => p.before));
  const afters = new Set(pushes.map((p) => p.after));
  // The chain's end: an `after` no other pending push starts from; if several (a force push), the last to arrive.
  const ends = pushes.filter((p) => !befores.has(p.after)).sort((a, b) => b.seq - a.seq);
  const tip = (ends[0] ?? [...pushes].sort((a, b) => b.seq - a.seq)[0]);
  const roots = [...new Set(pushes.filter((p) => !afters.has(p.before)).sort((a, b) => a.seq - b.seq).map((p) => p.before))];
  return { tip: tip.after, defaultBranch: tip.defaultBranch, roots, ...(tip.cloneUrl ? { cloneUrl: tip.cloneUrl } : {}) };
}

export function registerPublicationWorkers(context: WorkerContext & { deps: PublicationDeps }): void {
  const { app, queue, deps } = context;

  queue.handle('publish', { coalesce: true, lock: (job) => `repo:${job.key}`, retryAnyError: true }, async (job) => {
    const { owner, repo } = job.payload as { owner: string; repo: string };
    const pending = await queue.state.hgetall(`pushes:${job.key}`);
    const chain = pushChain(pending);
    if (!chain) return 'coalesced';
    const log = logFor(app, job, { repository: job.key, sha: chain.tip });
    const octokit = (await app.auth(job.installationId)) as unknown as GitHubClient;
    // Probot logs each GitHub request through the client's logger: the job's bindings too.
    (octokit as { log: unknown }).log = log;
    const [first, ...others] = chain.roots.length > 0 ? chain.roots : ['0'.repeat(40)];
    const repository = { name: repo, owner: { login: owner }, default_branch: chain.defaultBranch, ...(chain.cloneUrl ? { clone_url: chain.cloneUrl } : {}) };
    const result = await handlePush({ octokit, log, payload: { ref: `refs/heads/${chain.defaultBranch}`, before: first, after: chain.tip, repository }, deps });
    if (result.published?.ok) {
      for (const before of others.filter((b) => !/^0+$/.test(b))) {
        await proposePromotions({ octokit, log, owner, repo, defaultBranch: chain.defaultBranch, before, after: chain.tip, published: result.published, deps });
      }
    }
    // Only what was read: a push recorded meanwhile stays pending for the next job.
    await queue.state.hdel(`pushes:${job.key}`, Object.keys(pending));
    return 'ok';
  });

  // A push to a branch other than the default: repaired at once if it is a rendered branch and not freigabe's.
  queue.handle('guard', { coalesce: false, lock: (job) => `repo:${(job.payload as { owner: string }).owner}/${(job.payload as { repo: string }).repo}`, retryAnyError: true }, async (job) => {
    const p = job.payload as { owner: string; repo: string; push: RenderedPushLike };
    const log = logFor(app, job, { repository: repoKey(p.owner, p.repo), ref: p.push.ref });
    const octokit = (await app.auth(job.installationId)) as unknown as GitHubClient;
    // Probot logs each GitHub request through the client's logger: the job's bindings too.
    (octokit as { log: unknown }).log = log;
    await guardRenderedPush({ octokit, log, payload: p.push, deps: { ...deps, identity: deps.identity ?? identityResolver(app) } });
    return 'ok';
  });

  queue.handle('promote', { coalesce: false, lock: (job) => `repo:${(job.payload as { owner: string }).owner}/${(job.payload as { repo: string }).repo}` }, async (job) => {
    const p = job.payload as { owner: string; repo: string; defaultBranch: string; number: number; commenter: string; verfahren: string; stage: string };
    const log = logFor(app, job, { repository: repoKey(p.owner, p.repo), pull: pullKey(p.owner, p.repo, p.number) });
    const octokit = (await app.auth(job.installationId)) as unknown as GitHubClient;
    // Probot logs each GitHub request through the client's logger: the job's bindings too.
    (octokit as { log: unknown }).log = log;
    try {
      await handlePromoteCommand({ octokit, log, ...p, deps });
      return 'ok';
    } catch (error) {
      if (transience(error)) throw error;
      log.error({ err: loggable(error) }, 'freigabe could not run /freigabe promote');
      return 'failed';
    }
  });
}
