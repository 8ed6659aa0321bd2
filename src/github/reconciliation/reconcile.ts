/**
 * Reconciliation (PRODUCT.md §4.4): webhooks get lost, so on start-up and on a schedule every
 * installed repository is brought back to what its default branch says:
 *
 *   1. the rendered branches are compared with a fresh render of the default-branch head and
 *      repaired through the same publication path as a push (trees compared, not trailers,
 *      so a branch that drifted is repaired even if its head names the right source);
 *   2. where a repaired branch named an older source commit (a lost push), the promotion pull
 *      requests that push would have opened are opened now, from that source to the head;
 *   3. every open pull request is evaluated again (the checks and the sticky comment).
 *
 * reconcileRepository does one repository and knows no timers; the Reconciler schedules it:
 * one tick at start, then every TICK_MINUTES, each repository when its own
 * `reconcileIntervalMinutes` has passed; a tick never overlaps the previous one; the timer is
 * unref'd so it never keeps the process alive. Replicas on one Redis share the schedule
 * (`shared`): after a process's first pass, a repository is reconciled by the replica that
 * claims it for the interval, not by every replica; the first pass of each process runs
 * regardless (a process that starts after downtime repairs what was lost meanwhile).
 */
import type { GitHubClient, RepoRef } from '../platform/github-client.js';
import { loggable } from '../platform/loggable.js';
import { targetOf, type PullLike, type PullRequestTarget } from '../platform/pull-request.js';
import { proposePromotions, publishCommit, type Logger, type PublicationDeps, type PublishCommitResult } from '../publication/publish.js';
import type { PromotionPrResult } from '../publication/promotion-pr.js';
import { DEFAULT_SETTINGS } from '../../core/model.js';
import { countPublication } from '../../ops/metrics.js';

export interface ReconcileRepositoryParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly log: Logger;
  readonly deps: PublicationDeps;
  /** The pull-request evaluation (src/github/pull-request/evaluate.ts); left out, open pull requests are not re-evaluated. */
  readonly evaluate?: (target: PullRequestTarget) => Promise<void>;
}

export interface ReconcileResult {
  readonly skipped?: 'archived' | 'empty';
  readonly published?: PublishCommitResult;
  /** Promotion pull requests opened or refreshed for a lost push. */
  readonly promotions?: readonly PromotionPrResult[];
  readonly evaluated: number;
  /** The repository's reconcileIntervalMinutes (defaults when unknown). */
  readonly intervalMinutes: number;
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
}

export async function reconcileRepository(params: ReconcileRepositoryParams): Promise<ReconcileResult> {
  const { octokit, log, owner, repo } = params;
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  if (repository.archived) return { skipped: 'archived', evaluated: 0, intervalMinutes: DEFAULT_SETTINGS.reconcileIntervalMinutes };
  const defaultBranch = repository.default_branch;
  let head: string;
  try {
    head = (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${defaultBranch}` })).data.object.sha;
  } catch (error) {
    if (status(error) === 404 || status(error) === 409) return { skipped: 'empty', evaluated: 0, intervalMinutes: DEFAULT_SETTINGS.reconcileIntervalMinutes };
    throw error;
  }

  // 1. rendered branches
  const cloneUrl = repository.clone_url;
  const published = await countPublication(publishCommit({ octokit, log, owner, repo, defaultBranch, sha: head, deps: params.deps, trustTrailers: false, ...(cloneUrl ? { cloneUrl } : {}) }));
  const repaired = published.ok ? published.stages.filter((s) => s.commit).map((s) => s.stage) : [];
  if (repaired.length > 0) log.warn({ repository: `${owner}/${repo}`, sha: head, stages: repaired }, 'reconciliation published missing rendered commits');

  // 2. promotions a lost push would have proposed: from the source the branches named before
  const promotions: PromotionPrResult[] = [];
  if (published.ok) {
    const previous = new Set(published.stages.flatMap((s) => (s.commit && s.previousSource && s.previousSource !== head ? [s.previousSource] : [])));
    for (const before of [...previous].sort()) {
      promotions.push(...(await proposePromotions({ octokit, log, owner, repo, defaultBranch, before, after: head, published, deps: params.deps })));
    }
  }

  // 3. open pull requests, one after another (each evaluation is itself a handful of calls)
  let evaluated = 0;
  if (params.evaluate) {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
    const repositoryLike = { name: repo, owner: { login: owner }, default_branch: defaultBranch };
    for (const pull of pulls) {
      try {
        await params.evaluate(targetOf(repositoryLike, pull as unknown as PullLike));
        evaluated++;
      } catch (error) {
        log.error({ err: loggable(error), pull: `${owner}/${repo}#${pull.number}` }, 'reconciliation could not evaluate pull request');
      }
    }
  }
  return { published, ...(promotions.length > 0 ? { promotions } : {}), evaluated, intervalMinutes: published.ok ? published.estate.settings.reconcileIntervalMinutes : DEFAULT_SETTINGS.reconcileIntervalMinutes };
}

/** The slice of a Probot instance the scheduler needs. */
export interface AppAuth {
  auth(installationId?: number): Promise<GitHubClient>;
}

export interface ReconcilerOptions {
  readonly app: AppAuth;
  readonly log: Logger;
  readonly deps: PublicationDeps;
  readonly evaluate?: (octokit: GitHubClient, target: PullRequestTarget, installationId: number) => Promise<void>;
  readonly now?: () => number;
  /** Runs one repository's reconciliation exclusive of its push handling ('owner/repo' key). */
  readonly runExclusive?: (key: string, task: () => Promise<void>) => Promise<void>;
  /** How often the scheduler looks for due repositories (the smallest allowed interval). */
  readonly tickMinutes?: number;
  /**
   * The schedule shared by replicas: `claim` is true when this process may reconcile the
   * repository now (and no other replica may for `seconds`); `record` notes a run for `seconds`.
   */
  readonly shared?: {
    claim(key: string, seconds: number): Promise<boolean>;
    record(key: string, seconds: number): Promise<void>;
  };
  /** Called once per repository and process, before its first reconciliation (the start-up self-check). */
  readonly onFirstSight?: (octokit: GitHubClient, repository: RepoRef & { readonly defaultBranch: string }) => Promise<void>;
}

export const TICK_MINUTES = 5;

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #lastRun = new Map<string, { at: number; intervalMinutes: number }>();
  readonly #seen = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #passes = 0;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /** First tick now, then every tick interval. */
  start(): void {
    if (this.#timer) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), (this.#options.tickMinutes ?? TICK_MINUTES) * 60_000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pass over all installations; a pass still running makes this a no-op. */
  tick(): Promise<void> {
    if (this.#running) return this.#running;
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
      this.#passes++;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const { app, log } = this.#options;
    const now = this.#options.now ?? Date.now;
    try {
      const appOctokit = await app.auth();
      const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
      for (const installation of installations) {
        if (installation.suspended_at) continue;
        const octokit = await app.auth(installation.id);
        const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
        for (const r of repositories) {
          const key = r.full_name;
          if (this.#options.onFirstSight && !this.#seen.has(key)) {
            this.#seen.add(key);
            try {
              await this.#options.onFirstSight(octokit, { owner: r.owner.login, repo: r.name, defaultBranch: r.default_branch ?? 'main' });
            } catch (error) {
              log.error({ err: loggable(error), repository: key }, 'start-up self-check failed');
            }
          }
          const last = this.#lastRun.get(key);
          if (last && now() - last.at < last.intervalMinutes * 60_000) continue;
          const shared = this.#options.shared;
          try {
            // Another replica reconciled it within its interval: nothing to do here until that passes.
            if (shared && this.#passes > 0 && !(await shared.claim(key, (last?.intervalMinutes ?? DEFAULT_SETTINGS.reconcileIntervalMinutes) * 60))) continue;
            const run = async () => {
              const result = await reconcileRepository({
                octokit,
                log,
                owner: r.owner.login,
                repo: r.name,
                deps: this.#options.deps,
                ...(this.#options.evaluate ? { evaluate: (target: PullRequestTarget) => this.#options.evaluate!(octokit, target, installation.id) } : {}),
              });
              this.#lastRun.set(key, { at: now(), intervalMinutes: result.intervalMinutes });
              await shared?.record(key, result.intervalMinutes * 60);
            };
            await (this.#options.runExclusive ? this.#options.runExclusive(key, run) : run());
          } catch (error) {
            // One broken repository must not stop the others; it is retried on the next tick.
            log.error({ err: loggable(error), repository: key }, 'reconciliation failed');
          }
        }
      }
    } catch (error) {
      log.error({ err: loggable(error) }, 'reconciliation pass failed');
    }
  }
}
