/**
 * The part after the merge (PRODUCT.md §4.2–4.4): `push` to the default branch publishes and
 * proposes promotions, a `push` to a rendered branch by anyone but freigabe is repaired
 * (src/github/publication/rendered-guard.ts), `/freigabe promote` does a promotion on demand, and the
 * Reconciler repairs what lost webhooks missed. Intake (intake.ts) queues, the workers
 * (workers.ts) run.
 *
 * Publication, promotion and reconciliation of one repository hold the same lock of the
 * queue, so a push and a reconciliation pass never race each other — in this process or
 * across replicas; the ref update without force stays the last line of defence.
 */
import type { Probot } from 'probot';
import { identityResolver, type AppIdentity, type IdentityResolver } from './platform/app-identity.js';
import type { GitHubClient } from './platform/github-client.js';
import { afterMergeIntake, requestEvaluation } from './intake/intake.js';
import type { PublicationDeps } from './publication/publish.js';
import type { PullRequestTarget } from './platform/pull-request.js';
import { createQueue, type DomainQueue } from './queue/index.js';
import { PRIORITY } from './queue/types.js';
import { Reconciler } from './reconciliation/reconcile.js';
import { checkBranchProtection } from './reconciliation/protection-check.js';
import { LruSnapshotCache } from './platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from './platform/tarball.js';
import { registerPublicationWorkers } from './workers.js';

/** Webhook events this part subscribes to (in addition to app.ts's). */
export const AFTER_MERGE_EVENTS = ['push', 'issue_comment'] as const;

/** Repository permissions this part needs (in addition to app.ts's). */
export const AFTER_MERGE_PERMISSIONS = {
  contents: 'write',
  deployments: 'write',
  pull_requests: 'write',
  issues: 'write',
  metadata: 'read',
} as const;

export interface AfterMergeOptions extends Partial<Omit<PublicationDeps, 'identity'>> {
  /** The app's identity, or app.ts's resolver of it; read with GET /app on first use when not given. */
  readonly identity?: AppIdentity | IdentityResolver;
  /** Start the reconciliation scheduler on load (default true; tests switch it off). */
  readonly reconcile?: boolean;
  /** The job queue shared with app.ts; without it, an in-process queue. */
  readonly queue?: DomainQueue;
  /** Called with the scheduler once it exists (to stop it, e.g. on shutdown). */
  readonly onReconciler?: (reconciler: Reconciler) => void;
  /** Run the queue's jobs in this process (default true); false: intake only (FREIGABE_ROLE=webhooks). */
  readonly workers?: boolean;
}

export function afterMergeApp(options: AfterMergeOptions = {}) {
  const shared = { cache: options.cache ?? new LruSnapshotCache(), limits: options.limits ?? DEFAULT_ARCHIVE_LIMITS };

  return (app: Probot): void => {
    const identity = typeof options.identity === 'function' ? options.identity : identityResolver(app, options.identity);
    const deps: PublicationDeps = { ...shared, identity };
    const queue = options.queue ?? createQueue({ log: app.log });
    afterMergeIntake(app, queue);
    registerPublicationWorkers({ app, queue, deps });
    if (options.workers !== false) queue.start();

    if (options.reconcile !== false && options.workers !== false) {
      const reconciler = new Reconciler({
        app,
        log: app.log,
        deps,
        runExclusive: (key, task) => queue.exclusive(`repo:${key}`, task),
        // With Redis, one replica reconciles a repository per interval (README "Several replicas").
        shared: {
          claim: (key, seconds) => queue.state.claim(`reconcile:${key}`, seconds),
          record: (key, seconds) => queue.state.set(`reconcile:${key}`, '1', seconds),
        },
        // Open pull requests are re-evaluated through the queue, behind pull-request feedback.
        evaluate: (_octokit: GitHubClient, target: PullRequestTarget, installationId: number) =>
          requestEvaluation(queue, { installationId }, { owner: target.owner, repo: target.repo, number: target.number, defaultBranch: target.defaultBranch }, PRIORITY.reconciliation),
        onFirstSight: async (octokit, r) => {
          await checkBranchProtection({ octokit, ...r, appId: (await identity()).id, log: app.log });
        },
      });
      reconciler.start();
      options.onReconciler?.(reconciler);
    }
  };
}
