/**
 * Intake: what a webhook delivery leads to, recorded in the queue — nothing else. A handler
 * checks the payload, records the facts the worker will read and queues the job; Probot has
 * verified the signature and answers GitHub as soon as the handlers resolve, so the answer
 * does not wait for any GitHub call, evaluation or publication (src/github/workers.ts).
 *
 * Facts per pull request ('owner/repo#7'):
 *   pr:<key>       the newest pull-request state seen (by `updated_at`; a late delivery of an
 *                  older state does not replace it) — the worker evaluates this one and checks
 *                  it again right before publishing;
 *   refresh:<key>  set by events that carry only the number (re-requested checks, a recheck,
 *                  reconciliation): the worker reads the pull request from GitHub first.
 * Facts per repository ('owner/repo'):
 *   pushes:<key>   default-branch pushes not yet published (after → before); the worker
 *                  publishes the newest commit of the chain once and proposes promotions from
 *                  the oldest `before`.
 */
import type { Probot } from 'probot';
import { parseCommand } from './commands.js';
import type { PullLike, PullRequestTarget, RepositoryLike } from '../platform/pull-request.js';
import { targetOf } from '../platform/pull-request.js';
import { STATE_TTL_SECONDS, type DomainQueue } from '../queue/domain-queue.js';
import { PRIORITY } from '../queue/types.js';

export const pullKey = (owner: string, repo: string, number: number): string => `${owner}/${repo}#${number}`;
export const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`;

/** The job's own copy of what identifies the pull request (for a refresh from GitHub). */
export interface PullRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  readonly defaultBranch: string;
}

export interface PendingPush {
  readonly before: string;
  readonly defaultBranch: string;
  /** Order of arrival, to pick a newest commit when the pushes do not form one chain. */
  readonly seq: number;
  /** The clone URL GitHub reports (GitHub Enterprise has its own host); the bootstrap objects name it. */
  readonly cloneUrl?: string;
}

interface Delivery {
  readonly deliveryId?: string;
  /** `pull_request.opened`: the event the delivery brought, for the worker's log lines. */
  readonly event?: string;
  readonly installationId: number;
}

/** A pull-request state from a payload: recorded if not older than the one known, then an evaluation queued. */
export async function notePullRequest(queue: DomainQueue, delivery: Delivery, target: PullRequestTarget, updatedAt: string): Promise<void> {
  const key = pullKey(target.owner, target.repo, target.number);
  await queue.state.setIfNotOlder(`pr:${key}`, JSON.stringify(target), updatedAt, STATE_TTL_SECONDS);
  await enqueueEvaluation(queue, delivery, { owner: target.owner, repo: target.repo, number: target.number, defaultBranch: target.defaultBranch }, PRIORITY.feedback);
}

/** Only the number is known: the worker reads the pull request first. */
export async function requestEvaluation(queue: DomainQueue, delivery: Delivery, ref: PullRef, priority: number = PRIORITY.feedback): Promise<void> {
  await queue.state.set(`refresh:${pullKey(ref.owner, ref.repo, ref.number)}`, '1', STATE_TTL_SECONDS);
  await enqueueEvaluation(queue, delivery, ref, priority);
}

async function enqueueEvaluation(queue: DomainQueue, delivery: Delivery, ref: PullRef, priority: number): Promise<void> {
  await queue.enqueue({
    kind: 'evaluate',
    key: pullKey(ref.owner, ref.repo, ref.number),
    installationId: delivery.installationId,
    ...(delivery.deliveryId ? { deliveryId: delivery.deliveryId } : {}),
    ...(delivery.event ? { event: delivery.event } : {}),
    priority,
    payload: { ...ref },
  });
}

/** A push to the default branch: recorded as pending, a publication of the repository queued. */
export async function notePush(queue: DomainQueue, delivery: Delivery, push: { owner: string; repo: string; defaultBranch: string; before: string; after: string; cloneUrl?: string }): Promise<void> {
  const key = repoKey(push.owner, push.repo);
  const seq = await queue.state.incr(`pushseq:${key}`, STATE_TTL_SECONDS);
  const pending: PendingPush = { before: push.before, defaultBranch: push.defaultBranch, seq, ...(push.cloneUrl ? { cloneUrl: push.cloneUrl } : {}) };
  await queue.state.hset(`pushes:${key}`, push.after, JSON.stringify(pending), STATE_TTL_SECONDS);
  await queue.enqueue({
    kind: 'publish',
    key,
    installationId: delivery.installationId,
    ...(delivery.deliveryId ? { deliveryId: delivery.deliveryId } : {}),
    ...(delivery.event ? { event: delivery.event } : {}),
    priority: PRIORITY.publication,
    payload: { owner: push.owner, repo: push.repo },
  });
}

const ZERO_SHA = /^0+$/;

interface HandlerContext {
  readonly id: string;
  readonly name: string;
  readonly payload: { readonly installation?: { readonly id: number }; readonly action?: string };
}

/** Claims the delivery for this part; false (and nothing to do) when a replica already took it. */
async function once(queue: DomainQueue, context: HandlerContext, part: string, record: (delivery: Delivery) => Promise<void>): Promise<void> {
  const installationId = context.payload.installation?.id;
  if (installationId === undefined) return;
  if (!(await queue.claimDelivery(context.id, part))) return;
  try {
    await record({ deliveryId: context.id, installationId, event: context.payload.action ? `${context.name}.${context.payload.action}` : context.name });
  } catch (error) {
    // Not recorded: GitHub sees the failure, and a redelivery must not be taken for a duplicate.
    await queue.releaseDelivery(context.id, part).catch(() => undefined);
    throw error;
  }
}

/** Pull-request events → evaluations; `/freigabe recheck` → a recheck command. */
export function pullRequestIntake(app: Probot, queue: DomainQueue): void {
  const notePayload = (context: HandlerContext & { payload: { repository: RepositoryLike; pull_request: unknown } }, pushedBy?: string) =>
    once(queue, context, 'evaluate', (delivery) => {
      const pull = context.payload.pull_request as PullLike & { updated_at?: string };
      const target = targetOf(context.payload.repository, pull);
      return notePullRequest(queue, delivery, pushedBy ? { ...target, pushedBy } : target, pull.updated_at ?? '');
    });

  app.on(
    ['pull_request.opened', 'pull_request.reopened', 'pull_request.labeled', 'pull_request.unlabeled', 'pull_request.ready_for_review'],
    async (context) => notePayload(context),
  );

  // Whoever pushed is a contributor (four-eyes), also while the activity API has not caught up.
  app.on('pull_request.synchronize', async (context) => notePayload(context, context.payload.sender?.login));

  app.on('pull_request.edited', async (context) => {
    // Only a new base changes what the pull request does; title and body edits do not.
    if (!context.payload.changes.base) return;
    await notePayload(context);
  });

  app.on(['pull_request_review.submitted', 'pull_request_review.edited', 'pull_request_review.dismissed'], async (context) => {
    if ((context.payload.pull_request as unknown as PullLike).state !== 'open') return;
    await notePayload(context);
  });

  const rerequested = async (context: HandlerContext, repository: RepositoryLike & { default_branch: string }, numbers: readonly number[]) =>
    once(queue, context, 'evaluate', async (delivery) => {
      for (const number of [...new Set(numbers)]) {
        await requestEvaluation(queue, delivery, { owner: repository.owner.login, repo: repository.name, number, defaultBranch: repository.default_branch });
      }
    });

  app.on('check_suite.rerequested', async (context) => {
    const suite = context.payload.check_suite;
    await rerequested(context, context.payload.repository, suite.pull_requests.filter((p) => p.head.sha === suite.head_sha).map((p) => p.number));
  });

  app.on('check_run.rerequested', async (context) => {
    const run = context.payload.check_run;
    if (!run.name.startsWith('freigabe/')) return;
    await rerequested(context, context.payload.repository, run.pull_requests.filter((p) => p.head.sha === run.head_sha).map((p) => p.number));
  });

  app.on('issue_comment.created', async (context) => {
    const { issue, comment, repository } = context.payload;
    if (!issue.pull_request || comment.user?.type === 'Bot') return;
    if (parseCommand(comment.body)?.name !== 'recheck') return;
    await once(queue, context, 'recheck', (delivery) =>
      queue.enqueue({
        kind: 'recheck',
        key: delivery.deliveryId!,
        installationId: delivery.installationId,
        deliveryId: delivery.deliveryId!,
        ...(delivery.event ? { event: delivery.event } : {}),
        priority: PRIORITY.feedback,
        payload: { owner: repository.owner.login, repo: repository.name, number: issue.number, defaultBranch: repository.default_branch, commenter: comment.user?.login ?? '' },
      }).then(() => undefined),
    );
  });
}

/** Default-branch pushes → publications; `/freigabe promote` → a promote command. */
export function afterMergeIntake(app: Probot, queue: DomainQueue): void {
  app.on('push', async (context) => {
    const p = context.payload;
    const owner = p.repository.owner?.login ?? p.repository.owner?.name ?? '';
    const defaultBranch = p.repository.default_branch ?? p.repository.master_branch ?? 'main';
    // A push to another branch may be a foreign push to a rendered branch: the worker checks it
    // (src/github/publication/rendered-guard.ts) under the repository's lock. Tags are not ours.
    if (p.ref !== `refs/heads/${defaultBranch}`) {
      if (!p.ref.startsWith('refs/heads/')) return;
      const push = {
        ref: p.ref,
        after: p.after,
        deleted: p.deleted === true,
        sender: p.sender ? { login: p.sender.login } : null,
        repository: { name: p.repository.name, owner: { login: owner }, default_branch: defaultBranch },
      };
      await once(queue, context, 'guard', (delivery) =>
        queue
          .enqueue({
            kind: 'guard',
            key: delivery.deliveryId!,
            installationId: delivery.installationId,
            deliveryId: delivery.deliveryId!,
            ...(delivery.event ? { event: delivery.event } : {}),
            priority: PRIORITY.publication,
            payload: { owner, repo: p.repository.name, push },
          })
          .then(() => undefined),
      );
      return;
    }
    // Branch deletions of the default branch are not ours.
    if (p.deleted || ZERO_SHA.test(p.after)) return;
    await once(queue, context, 'publish', (delivery) => notePush(queue, delivery, { owner, repo: p.repository.name, defaultBranch, before: p.before, after: p.after, ...(p.repository.clone_url ? { cloneUrl: p.repository.clone_url } : {}) }));
  });

  app.on('issue_comment.created', async (context) => {
    const { issue, comment, repository } = context.payload;
    if (!issue.pull_request || comment.user?.type === 'Bot') return;
    const command = parseCommand(comment.body);
    if (command?.name !== 'promote') return;
    await once(queue, context, 'promote', (delivery) =>
      queue.enqueue({
        kind: 'promote',
        key: delivery.deliveryId!,
        installationId: delivery.installationId,
        deliveryId: delivery.deliveryId!,
        ...(delivery.event ? { event: delivery.event } : {}),
        priority: PRIORITY.feedback,
        payload: {
          owner: repository.owner.login,
          repo: repository.name,
          defaultBranch: repository.default_branch,
          number: issue.number,
          commenter: comment.user?.login ?? '',
          verfahren: command.verfahren,
          stage: command.stage,
        },
      }).then(() => undefined),
    );
  });
}
