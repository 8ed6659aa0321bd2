/**
 * Event wiring after the merge (PRODUCT.md §4.2–4.4): `push` to the default branch publishes
 * and proposes promotions, a `push` to a rendered branch by anyone but freigabe is repaired
 * (src/github/rendered-guard.ts), `/freigabe promote` does a promotion on demand, and the Reconciler
 * repairs what lost webhooks missed. Like app.ts, this is the outermost layer and the one place
 * that catches and logs.
 *
 * Publication and reconciliation of one repository run one after another (a queue per
 * repository), so a push and a reconciliation pass do not race each other in this process;
 * across processes the ref update without force and its retry keep them apart.
 */
import type { Logger, Probot } from 'probot';
import { identityResolver, type AppIdentity, type IdentityResolver } from './app-identity.js';
import { parseCommand } from './commands.js';
import type { GitHubClient } from './github-client.js';
import { loggable } from './loggable.js';
import { handlePromoteCommand } from './promotion-pr.js';
import { handlePush, type PublicationDeps } from './publish.js';
import { PullRequestQueue } from './pull-request-queue.js';
import type { PullRequestTarget } from './pull-request.js';
import { Reconciler } from './reconcile.js';
import { guardRenderedPush } from './rendered-guard.js';
import { checkBranchProtection } from './protection-check.js';
import { LruSnapshotCache } from './snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from './tarball.js';

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
  /** Re-evaluation of an open pull request during reconciliation (app.ts's evaluation). */
  readonly evaluate?: (octokit: GitHubClient, log: Logger, target: PullRequestTarget) => Promise<void>;
  /** Called with the scheduler once it exists (to stop it, e.g. on shutdown). */
  readonly onReconciler?: (reconciler: Reconciler) => void;
}

export function afterMergeApp(options: AfterMergeOptions = {}) {
  const shared = { cache: options.cache ?? new LruSnapshotCache(), limits: options.limits ?? DEFAULT_ARCHIVE_LIMITS };
  const queue = new PullRequestQueue();

  return (app: Probot): void => {
    const identity = typeof options.identity === 'function' ? options.identity : identityResolver(app, options.identity);
    const deps: PublicationDeps = { ...shared, identity };
    app.on('push', async (context) => {
      const { repository } = context.payload;
      await queue.run(repository.full_name, async () => {
        try {
          const { ref } = context.payload;
          if (ref === `refs/heads/${repository.default_branch}` || !ref.startsWith('refs/heads/')) {
            await handlePush({ octokit: context.octokit, log: context.log, payload: context.payload, deps });
          } else {
            // Another branch: if it is a rendered branch and the pusher is not freigabe, repair it now.
            await guardRenderedPush({ octokit: context.octokit, log: context.log, payload: context.payload, deps: { ...deps, identity } });
          }
        } catch (error) {
          // The next reconciliation publishes what this delivery could not.
          context.log.error({ err: loggable(error), repository: repository.full_name, sha: context.payload.after }, 'freigabe could not publish the push');
        }
      });
    });

    app.on('issue_comment.created', async (context) => {
      const { issue, comment, repository } = context.payload;
      if (!issue.pull_request || comment.user?.type === 'Bot') return;
      const command = parseCommand(comment.body);
      if (command?.name !== 'promote') return;
      try {
        await handlePromoteCommand({
          octokit: context.octokit,
          log: context.log,
          owner: repository.owner.login,
          repo: repository.name,
          defaultBranch: repository.default_branch,
          number: issue.number,
          commenter: comment.user?.login ?? '',
          verfahren: command.verfahren,
          stage: command.stage,
          deps,
        });
      } catch (error) {
        context.log.error({ err: loggable(error), pull: `${repository.full_name}#${issue.number}` }, 'freigabe could not run /freigabe promote');
      }
    });

    if (options.reconcile !== false) {
      const reconciler = new Reconciler({
        app,
        log: app.log,
        deps,
        runExclusive: (key, task) => queue.run(key, task),
        onFirstSight: async (octokit, r) => {
          await checkBranchProtection({ octokit, ...r, appId: (await identity()).id, log: app.log });
        },
        ...(options.evaluate ? { evaluate: (octokit: GitHubClient, target: PullRequestTarget) => options.evaluate!(octokit, app.log, target) } : {}),
      });
      reconciler.start();
      options.onReconciler?.(reconciler);
    }
  };
}
