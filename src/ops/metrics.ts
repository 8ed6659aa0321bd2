/**
 * freigabe's Prometheus metrics (README "Health and metrics" lists every name, type and label:
 * they are a contract for dashboards and alerts, so rename nothing without saying so there).
 *
 * One Registry of our own, never prom-client's global one, so tests and a second app in the
 * same process do not share counters. `metrics` is the process's instance: the places that
 * count (evaluation, publication, the queue, the Octokit plugin) reach it without being
 * handed it through every call; tests make their own with `createMetrics()`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PublishCommitResult } from '../github/publication/publish.js';
import type { Evaluation } from '../github/pull-request/evaluate.js';
import { securityCounters } from '../github/publication/security-events.js';

export type JobOutcome = 'ok' | 'retry' | 'failed' | 'coalesced' | 'duplicate';

/** What the queue reports at scrape time: one row per job kind. */
export interface QueueStat {
  readonly kind: string;
  readonly depth: number;
  readonly oldestAgeSeconds: number;
}
export type QueueStatsProvider = () => Promise<Array<{ kind: string; depth: number; oldestAgeSeconds: number }>>;

export type EvaluationOutcome = 'approved' | 'waiting-for-approval' | 'findings' | Exclude<Evaluation['outcome'], 'planned'> | 'error';
export type PublicationOutcome =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'already-published'
  | 'stale'
  | 'empty'
  | Extract<PublishCommitResult, { ok: false }>['reason']
  | 'error';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface Metrics {
  readonly registry: Registry;
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string>;
  webhookAcknowledged(status: number, seconds: number): void;
  jobFinished(kind: string, outcome: JobOutcome, seconds: number): void;
  /** The queue's depth and oldest job per kind, read at every scrape (the last call wins). */
  setQueueStats(provider: QueueStatsProvider): void;
  gitHubWrite(method: string, route: string, status: number | 'error'): void;
  rateLimitRemaining(resource: string, installation: string, remaining: number): void;
  evaluationFinished(outcome: EvaluationOutcome): void;
  publicationFinished(outcome: PublicationOutcome): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const ack = new Histogram({
    name: 'freigabe_webhook_ack_seconds',
    help: 'Time from the arrival of a webhook delivery (POST to the webhook path) to the end of the response.',
    labelNames: ['status'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const jobs = new Histogram({
    name: 'freigabe_job_duration_seconds',
    help: 'Duration of queue jobs by kind and outcome (ok, retry, failed, coalesced, duplicate).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });

  let provider: QueueStatsProvider | undefined;
  // Both queue gauges are collected in the same scrape: one provider call serves both.
  let inflight: Promise<readonly QueueStat[]> | undefined;
  const queueStats = (): Promise<readonly QueueStat[]> => {
    if (!provider) return Promise.resolve([]);
    inflight ??= provider()
      .catch(() => [])
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  const queueGauge = (name: string, help: string, value: (s: QueueStat) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['kind'] as const,
      registers,
      async collect() {
        const stats = await queueStats();
        this.reset();
        for (const s of stats) this.set({ kind: s.kind }, value(s));
      },
    });
  };
  queueGauge('freigabe_queue_depth', 'Jobs waiting or running in the queue, by kind.', (s) => s.depth);
  queueGauge('freigabe_queue_oldest_job_age_seconds', 'Age of the oldest waiting job, by kind (0 when none waits).', (s) => s.oldestAgeSeconds);

  const writes = new Counter({
    name: 'freigabe_github_writes_total',
    help: 'Non-GET requests to the GitHub API by method, route template and response status ("error" without a response).',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const rateLimit = new Gauge({
    name: 'freigabe_github_rate_limit_remaining',
    help: 'x-ratelimit-remaining of the latest GitHub response, by rate-limit resource and installation ("app" for the app itself).',
    labelNames: ['resource', 'installation'] as const,
    registers,
  });
  const evaluations = new Counter({
    name: 'freigabe_evaluations_total',
    help: 'Pull-request evaluations by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const publications = new Counter({
    name: 'freigabe_publications_total',
    help: 'Publications to rendered branches: one per stage of a rendered commit, or one per commit that could not be rendered or failed.',
    labelNames: ['outcome'] as const,
    registers,
  });

  new Counter({
    name: 'freigabe_foreign_rendered_pushes_total',
    help: 'Pushes to a rendered branch by anyone but freigabe, found and reverted on their own push event.',
    registers,
    collect() {
      // The process-wide count (src/github/publication/security-events.ts), as of this scrape.
      this.reset();
      this.inc(securityCounters.foreignRenderedPushes);
    },
  });

  return {
    registry,
    scrape: () => registry.metrics(),
    webhookAcknowledged: (status, seconds) => ack.observe({ status: String(status) }, seconds),
    jobFinished: (kind, outcome, seconds) => jobs.observe({ kind, outcome }, seconds),
    setQueueStats: (p) => {
      provider = p;
    },
    gitHubWrite: (method, route, status) => writes.inc({ method, route, status: String(status) }),
    rateLimitRemaining: (resource, installation, remaining) => rateLimit.set({ resource, installation }, remaining),
    evaluationFinished: (outcome) => evaluations.inc({ outcome }),
    publicationFinished: (outcome) => publications.inc({ outcome }),
  };
}

/** The process's metrics, served at /metrics by src/ops/endpoints.ts. */
export const metrics: Metrics = createMetrics();

/** The queue's report of one finished job, on the process's metrics. */
export function jobFinished(kind: string, outcome: JobOutcome, seconds: number): void {
  metrics.jobFinished(kind, outcome, seconds);
}

/** Counts an evaluation's outcome (or `error` when it throws) and passes it through. */
export async function countEvaluation<T extends Pick<Evaluation, 'outcome' | 'plan'>>(evaluation: Promise<T>, m: Metrics = metrics): Promise<T> {
  let result: T;
  try {
    result = await evaluation;
  } catch (error) {
    m.evaluationFinished('error');
    throw error;
  }
  m.evaluationFinished(evaluationOutcome(result));
  return result;
}

function evaluationOutcome(e: Pick<Evaluation, 'outcome' | 'plan'>): EvaluationOutcome {
  if (e.outcome !== 'planned') return e.outcome;
  if (!e.plan?.ok) return 'findings';
  return e.plan.approval.satisfied ? 'approved' : 'waiting-for-approval';
}

/** Counts a publication per stage (or its reason, or `error` when it throws) and passes it through. */
export async function countPublication<T extends PublishCommitResult>(publication: Promise<T>, m: Metrics = metrics): Promise<T> {
  let result: T;
  try {
    result = await publication;
  } catch (error) {
    m.publicationFinished('error');
    throw error;
  }
  if (result.ok) for (const stage of result.stages) m.publicationFinished(stage.status);
  else m.publicationFinished(result.reason);
  return result;
}

// ---------------------------------------------------------------------------------------
// The Octokit plugin: every instance Probot builds (app and installation clients) counts its
// writes and reports the rate limit it has left.

interface RequestOptions {
  readonly method?: string;
  readonly url?: string;
}
interface ResponseLike {
  readonly status?: number;
  readonly headers?: Record<string, string | number | undefined>;
}
interface HookedOctokit {
  readonly hook: {
    after(name: 'request', hook: (response: ResponseLike, options: RequestOptions) => void): void;
    error(name: 'request', hook: (error: unknown, options: RequestOptions) => unknown): void;
  };
}

/** `ProbotOctokit.plugin(gitHubMetricsPlugin(metrics))`: see src/start.ts. */
export function gitHubMetricsPlugin(m: Metrics = metrics) {
  return (octokit: HookedOctokit, octokitOptions: { auth?: { installationId?: number | string } } = {}): void => {
    const installation = octokitOptions.auth?.installationId !== undefined ? String(octokitOptions.auth.installationId) : 'app';
    const observe = (options: RequestOptions, response: ResponseLike | undefined, status: number | 'error'): void => {
      const method = (options.method ?? 'GET').toUpperCase();
      // The route template as called (`/repos/{owner}/{repo}/check-runs`): bounded label values.
      if (method !== 'GET' && method !== 'HEAD') m.gitHubWrite(method, (options.url ?? '').split('?')[0]!, status);
      const remaining = Number(response?.headers?.['x-ratelimit-remaining']);
      if (response?.headers?.['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) {
        m.rateLimitRemaining(String(response.headers['x-ratelimit-resource'] ?? 'core'), installation, remaining);
      }
    };
    octokit.hook.after('request', (response, options) => observe(options, response, response.status ?? 'error'));
    octokit.hook.error('request', (error, options) => {
      const response = (error as { response?: ResponseLike }).response;
      const status = (error as { status?: unknown }).status;
      observe(options, response, typeof status === 'number' && status > 0 ? status : 'error');
      throw error;
    });
  };
}
