/**
 * GitHub's write budget, kept by Probot's own throttling (@octokit/plugin-throttling): every
 * content-creating request of an installation goes through the plugin's one write queue, about
 * one a second (GitHub: at most 80 a minute and 500 an hour). freigabe adds no limiter of its
 * own; it configures the plugin's:
 *
 * - Secondary rate limits (403 "secondary rate limit", `retry-after`) are retried after the
 *   time GitHub asks for, up to SECONDARY_RETRIES times. Probot's default only logs them and
 *   gives up, which would lose a publication or a check run.
 * - The write queue orders by priority: pull-request feedback (check runs, the comment, review
 *   requests) before bulk work (publication, deployments, promotion pull requests), so a large
 *   publication delays a pull request's checks by at most the writes the queue has already
 *   started (the one under way and the one timed for the next second), not by everything the
 *   publication still has to write. Work runs at a priority by
 *   `withWritePriority`; the plugin's retries keep their own, highest priority.
 *
 * - A crashed replica does not hold the write slot for a minute. In Redis mode the plugin gives
 *   every job 60 s before Redis takes a dead client's slot back; the write slot is only a
 *   timing token (the plugin's write job is empty, the request itself runs in its global
 *   group), so freigabe gives it WRITE_SLOT_EXPIRATION_MS. A replica killed between taking the
 *   slot and releasing it stops the writes of every replica for that installation for at most
 *   that long, not 60 s.
 *
 * `FreigabeOctokit` is the Octokit class `npm start` hands Probot.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import BottleneckLight from 'bottleneck/light.js';
import { ProbotOctokit } from 'probot';

export type WritePriority = 'feedback' | 'bulk';

/** Bottleneck priorities: 0 runs first, 9 last, 5 is the default; the plugin's retries use 0. */
const PRIORITY: Record<WritePriority, number> = { feedback: 1, bulk: 8 };

/** GitHub asks for at least one second between content-creating requests (as the plugin spaces them). */
export const WRITE_SPACING_MS = 1_000;
/** Retries of one request after a secondary-rate-limit answer, each after GitHub's retry-after. */
export const SECONDARY_RETRIES = 3;
/**
 * How long Redis keeps a write slot whose replica never released it. The slot's job does
 * nothing but wait for its turn (at most WRITE_SPACING_MS after it gets the slot), so ten
 * seconds leave room for a busy event loop.
 */
export const WRITE_SLOT_EXPIRATION_MS = 10_000;
/** Retries after the primary rate limit is used up (Probot's own choice). */
const PRIMARY_RETRIES = 2;

const current = new AsyncLocalStorage<WritePriority>();

/** Runs `work` with its GitHub writes at this priority (nested calls keep the innermost). */
export function withWritePriority<T>(priority: WritePriority, work: () => Promise<T>): Promise<T> {
  return current.run(priority, work);
}

/** The priority of the work running now; pull-request feedback unless said otherwise. */
export function writePriority(): WritePriority {
  return current.getStore() ?? 'feedback';
}

interface Limiter {
  schedule(options: Record<string, unknown>, fn: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown>;
}
interface LimiterGroup {
  key(id: string): Limiter;
}
type BottleneckClass = { Group: new (options: Record<string, unknown>) => LimiterGroup };

const groups = new Map<unknown, LimiterGroup>();

/**
 * The plugin's write group, built as the plugin builds it (one job at a time, WRITE_SPACING_MS
 * apart, per installation; shared through Redis when Probot is given REDIS_URL), whose jobs
 * carry the priority of the work that sent the request. One per process, like the plugin's own.
 */
function writeGroup(throttle: Record<string, unknown>): LimiterGroup {
  const connection = throttle.connection;
  let group = groups.get(connection);
  if (!group) {
    const Bottleneck = (throttle.Bottleneck ?? BottleneckLight) as unknown as BottleneckClass;
    const inner = new Bottleneck.Group({
      id: 'octokit-write',
      maxConcurrent: 1,
      minTime: WRITE_SPACING_MS,
      timeout: (throttle.timeout as number | undefined) ?? 120_000,
      ...(connection ? { connection } : {}),
    });
    group = {
      key(id) {
        const limiter = inner.key(id);
        return {
          schedule: (options, fn, ...args) =>
            limiter.schedule(
              // The plugin sets an expiration only when clustering through Redis.
              { priority: PRIORITY[writePriority()], ...options, ...(options.expiration === undefined ? {} : { expiration: WRITE_SLOT_EXPIRATION_MS }) },
              fn,
              ...args,
            ),
        };
      },
    };
    groups.set(connection, group);
  }
  return group;
}

interface RequestLike {
  readonly method: string;
  readonly url: string;
}
interface OctokitLike {
  readonly log: { warn(message: string): void };
}

/** Throttle options for one Octokit instance: the plugin's, with our write group and retry policy. */
export function budgetThrottle(throttle: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!throttle || throttle.enabled === false) return throttle;
  return {
    ...throttle,
    write: throttle.write ?? writeGroup(throttle),
    onSecondaryRateLimit: (retryAfter: number, options: RequestLike, octokit: OctokitLike, retryCount: number) => {
      const retry = retryCount < SECONDARY_RETRIES;
      octokit.log.warn(`GitHub secondary rate limit on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`);
      return retry;
    },
    onRateLimit: (retryAfter: number, options: RequestLike, octokit: OctokitLike, retryCount: number) => {
      const retry = retryCount < PRIMARY_RETRIES;
      octokit.log.warn(`GitHub rate limit used up on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s` : 'giving up'}`);
      return retry;
    },
  };
}

/**
 * Probot's Octokit with freigabe's write budget. A function default, so it applies after the
 * throttle options Probot sets for every instance (an object default would be replaced).
 */
export const FreigabeOctokit = ProbotOctokit.defaults(((options: Record<string, unknown>) => {
  const throttle = budgetThrottle(options.throttle as Record<string, unknown> | undefined);
  return throttle ? { ...options, throttle } : options;
}) as never);
