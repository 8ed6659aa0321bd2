/**
 * Event wiring only: which webhook leads to the evaluation of which pull request. Every
 * handler is the outermost layer and the one place that catches: an internal error is
 * logged and both checks are marked failed with a neutral text, so branch protection
 * holds and nobody reads a stack trace in a pull request.
 */
import type { Context, Logger, Probot } from 'probot';
import { afterMergeApp } from './after-merge.js';
import { identityResolver, type AppIdentity } from './app-identity.js';
import { parseCommand } from './commands.js';
import { evaluatePullRequest, publish, type EvaluationDeps } from './evaluate.js';
import type { GitHubClient } from './github-client.js';
import { internalErrorPublication } from './pull-request-feedback.js';
import { fetchPullRequest, targetOf, type PullLike, type PullRequestTarget, type RepositoryLike } from './pull-request.js';
import { loggable } from './loggable.js';
import { PullRequestQueue } from './pull-request-queue.js';
import { LruSnapshotCache } from './snapshot-cache.js';
import { hasWriteAccess, refuseCommand } from './command-permission.js';
import { ParseCaches } from './parse-caches.js';
import { DEFAULT_ARCHIVE_LIMITS } from './tarball.js';
import { countEvaluation } from '../ops/metrics.js';
import { withEventLog } from '../ops/event-log.js';

/** Webhook events freigabe subscribes to; app.yml's default_events must list exactly these. */
export const EVENTS = ['pull_request', 'pull_request_review', 'check_suite', 'check_run', 'issue_comment', 'push'] as const;

/** Repository permissions freigabe uses; app.yml's default_permissions must list exactly these. */
export const PERMISSIONS = {
  checks: 'write',
  contents: 'write',
  deployments: 'write',
  issues: 'write',
  members: 'read',
  metadata: 'read',
  pull_requests: 'write',
} as const;

export interface FreigabeAppOptions extends Partial<Omit<EvaluationDeps, 'identity'>> {
  /** The app's id and slug; read with GET /app on first use when not given. */
  readonly identity?: AppIdentity;
  /** Start the reconciliation scheduler (src/github/reconcile.ts); src/index.ts switches it on. */
  readonly reconcile?: boolean;
}

export function freigabeApp(options: FreigabeAppOptions = {}) {
  const shared = {
    cache: options.cache ?? new LruSnapshotCache(),
    limits: options.limits ?? DEFAULT_ARCHIVE_LIMITS,
    now: options.now ?? (() => new Date()),
    parseCaches: options.parseCaches ?? new ParseCaches(),
  };
  const queue = new PullRequestQueue();

  return (probot: Probot): void => {
    const app = withEventLog(probot); // context.log names delivery, event and repository
    const deps: EvaluationDeps = { ...shared, identity: identityResolver(probot, options.identity) };
    const evaluate = (context: { octokit: GitHubClient; log: Logger }, target: PullRequestTarget): Promise<void> =>
      queue.run(`${target.owner}/${target.repo}#${target.number}`, () => evaluateSafely(context.octokit, context.log, target, deps));

    app.on(
      ['pull_request.opened', 'pull_request.reopened', 'pull_request.labeled', 'pull_request.unlabeled', 'pull_request.ready_for_review'],
      async (context) => evaluate(context, targetOf(context.payload.repository, context.payload.pull_request as PullLike)),
    );

    // Whoever pushed is a contributor (four-eyes), also when the activity API has not caught up yet.
    app.on('pull_request.synchronize', async (context) =>
      evaluate(context, { ...targetOf(context.payload.repository, context.payload.pull_request as PullLike), pushedBy: context.payload.sender.login }),
    );

    app.on('pull_request.edited', async (context) => {
      // Only a new base changes what the pull request does; title and body edits do not.
      if (!context.payload.changes.base) return;
      await evaluate(context, targetOf(context.payload.repository, context.payload.pull_request as PullLike));
    });

    app.on(['pull_request_review.submitted', 'pull_request_review.edited', 'pull_request_review.dismissed'], async (context) => {
      const pull = context.payload.pull_request as unknown as PullLike;
      if (pull.state !== 'open') return;
      await evaluate(context, targetOf(context.payload.repository, pull));
    });

    app.on('check_suite.rerequested', async (context) => {
      const suite = context.payload.check_suite;
      await evaluateNumbers(context, context.payload.repository, suite.pull_requests.filter((p) => p.head.sha === suite.head_sha).map((p) => p.number), evaluate);
    });

    app.on('check_run.rerequested', async (context) => {
      const run = context.payload.check_run;
      if (!run.name.startsWith('freigabe/')) return;
      await evaluateNumbers(context, context.payload.repository, run.pull_requests.filter((p) => p.head.sha === run.head_sha).map((p) => p.number), evaluate);
    });

    app.on('issue_comment.created', async (context) => {
      const { issue, comment } = context.payload;
      if (!issue.pull_request || comment.user?.type === 'Bot') return;
      if (parseCommand(comment.body)?.name !== 'recheck') return;
      const { repository } = context.payload;
      const who = { octokit: context.octokit, owner: repository.owner.login, repo: repository.name, username: comment.user?.login ?? '' };
      if (!(await hasWriteAccess(who)).allowed) {
        await refuseCommand({ ...who, defaultBranch: repository.default_branch, number: issue.number, command: '/freigabe recheck' });
        return;
      }
      await evaluateNumbers(context, repository, [issue.number], evaluate);
    });

    // After the merge: publication on push, /freigabe promote, reconciliation (src/github/after-merge.ts).
    afterMergeApp({ cache: deps.cache, limits: deps.limits, identity: deps.identity, reconcile: options.reconcile ?? false, evaluate: (octokit, log, target) => evaluate({ octokit, log }, target) })(app);
  };
}

type Evaluate = (context: { octokit: GitHubClient; log: Logger }, target: PullRequestTarget) => Promise<void>;

async function evaluateNumbers(context: Pick<Context, 'octokit' | 'log'>, repository: RepositoryLike, numbers: readonly number[], evaluate: Evaluate): Promise<void> {
  for (const number of [...new Set(numbers)]) {
    let target: PullRequestTarget;
    try {
      target = await fetchPullRequest({ octokit: context.octokit, owner: repository.owner.login, repo: repository.name, number, repository });
    } catch (error) {
      // Without the pull request there is no head commit to put a failed check on.
      context.log.error({ err: loggable(error), pull: number }, 'freigabe could not read the pull request');
      continue;
    }
    if (target.state !== 'open') continue;
    await evaluate(context, target);
  }
}

async function evaluateSafely(octokit: GitHubClient, log: Logger, target: PullRequestTarget, deps: EvaluationDeps): Promise<void> {
  try {
    await countEvaluation(evaluatePullRequest({ octokit, log, target, deps }));
  } catch (error) {
    log.error({ err: loggable(error), pull: `${target.owner}/${target.repo}#${target.number}`, sha: target.headSha }, 'freigabe internal error');
    try {
      await publish({ octokit, log, target, publication: internalErrorPublication() });
    } catch (publishError) {
      log.error({ err: loggable(publishError) }, 'freigabe could not mark the checks as failed');
    }
  }
}
