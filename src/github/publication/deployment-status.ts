/**
 * GitHub deployment statuses from what the clusters report (PRODUCT.md §4.5). deployments.ts
 * records one Deployment per changed Fachverfahren and stage (environment
 * `<stage>/<verfahren>`, ref = the rendered commit, `path` in the payload) with the status
 * `queued`; this module moves the newest one of each environment on:
 *
 * - `in_progress` while Argo CD/Flux work towards its commit, or while the cluster does not
 *   answer (the description says so);
 * - `success` once the applied revision carries that commit's content for the Fachverfahren
 *   and it is Healthy (Argo CD) / Ready (Flux). The applied revision may be a later commit of
 *   the branch that changed other Fachverfahren only: the newest commit touching the
 *   Fachverfahren's directory as of the applied revision must be the deployment's commit;
 * - `failure` (the workload: sync failed, Degraded, health check failed) or `error` (the agent:
 *   manifests not comparable, source not available) with the agent's words;
 * - `inactive` once a newer deployment of the same environment exists. GitHub's `auto_inactive`
 *   already does this for earlier *successful* deployments of non-production environments
 *   when a newer one gets `success`; every other case is written here.
 *
 * Writes are scarce (GitHub allows about 80 content-creating requests a minute), so a status is
 * written only when the state changes: the latest status of a deployment is read once per
 * process before the first write, which also makes a restart write nothing new. `success` and
 * `inactive` are final.
 */
import { AGENT_ERROR_REASONS } from '../../kubernetes/agent-status.js';
import type { ChangeListener, Logger, Observation } from '../../kubernetes/cluster-watch.js';
import type { GitHubClient } from '../platform/github-client.js';
import { loggable } from '../platform/loggable.js';

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DesiredStatus {
  readonly state: DeploymentState;
  readonly description: string;
}

export interface TrackedDeployment {
  readonly id: number;
  readonly environment: string;
  readonly stage: string;
  readonly verfahren: string;
  /** The rendered commit. */
  readonly ref: string;
  /** The Fachverfahren's directory in that commit. */
  readonly path: string;
  readonly removed: boolean;
  readonly production: boolean;
}

type Locale = 'de' | 'en';

const TEXT = {
  de: {
    syncing: (agent: string, sha: string) => `${agent} wendet ${sha} an.`,
    waiting: (agent: string, sha: string, health: string) => `${agent} hat ${sha} angewendet; wartet auf Bereitschaft (${health}).`,
    success: (agent: string, sha: string) => `${agent} hat ${sha} angewendet; das Fachverfahren ist bereit.`,
    removed: (agent: string, sha: string) => `${agent} hat ${sha} angewendet; das Fachverfahren ist entfernt.`,
    failed: (agent: string, reason: string, message: string) => `${agent}: ${reason}${message ? ` – ${message}` : ''}`,
    unreachable: (cluster: string, message: string) => `Cluster ${cluster} nicht erreichbar (${message}); Status unbekannt.`,
    replaced: (id: number) => `Ersetzt durch Deployment ${id}.`,
  },
  en: {
    syncing: (agent: string, sha: string) => `${agent} is applying ${sha}.`,
    waiting: (agent: string, sha: string, health: string) => `${agent} applied ${sha}; waiting for readiness (${health}).`,
    success: (agent: string, sha: string) => `${agent} applied ${sha}; the Fachverfahren is ready.`,
    removed: (agent: string, sha: string) => `${agent} applied ${sha}; the Fachverfahren is removed.`,
    failed: (agent: string, reason: string, message: string) => `${agent}: ${reason}${message ? ` – ${message}` : ''}`,
    unreachable: (cluster: string, message: string) => `Cluster ${cluster} unreachable (${message}); status unknown.`,
    replaced: (id: number) => `Replaced by deployment ${id}.`,
  },
} as const;

const AGENT_NAME = { argocd: 'Argo CD', flux: 'Flux' } as const;

/** GitHub limits a deployment status description to 140 characters. */
function short(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export interface DecisionInput {
  readonly deployment: TrackedDeployment;
  readonly observation: Observation;
  /** Whether the agent's applied revision / target revision carries the deployment's commit for this Fachverfahren. */
  readonly applied: boolean;
  readonly targeted: boolean;
  readonly locale: Locale;
}

/**
 * The status a deployment should have now, or undefined when nothing is known that would move
 * it (the agent has not seen its commit yet; the cluster has not answered since the start).
 */
export function desiredStatus(input: DecisionInput): DesiredStatus | undefined {
  const { deployment: d, observation: o, locale } = input;
  const t = TEXT[locale];
  const sha = d.ref.slice(0, 7);
  switch (o.kind) {
    case 'unconfigured':
    case 'pending':
      return undefined;
    case 'unreachable':
      return { state: 'in_progress', description: short(t.unreachable(o.cluster, o.message)) };
    case 'absent':
      // Argo CD: the ApplicationSet removed the Application once its directory was gone; before
      // it creates one for a new directory there is nothing to say.
      return d.removed ? { state: 'success', description: short(t.removed('Argo CD', sha)) } : undefined;
    case 'present': {
      const s = o.status;
      const agent = AGENT_NAME[s.agent];
      if (!input.applied && !input.targeted) return undefined;
      if (s.phase === 'degraded') {
        const reason = s.reason ?? 'Degraded';
        return { state: AGENT_ERROR_REASONS.has(reason) ? 'error' : 'failure', description: short(t.failed(agent, reason, s.message ?? '')) };
      }
      if (input.applied && s.phase === 'synced') return { state: 'success', description: short(d.removed ? t.removed(agent, sha) : t.success(agent, sha)) };
      if (input.applied) return { state: 'in_progress', description: short(t.waiting(agent, sha, s.phase === 'out-of-sync' ? (s.sync ?? 'OutOfSync') : (s.health ?? s.phase))) };
      return { state: 'in_progress', description: short(t.syncing(agent, sha)) };
    }
  }
}

/** Whether a status should be written over the current one. */
export function shouldWrite(current: DesiredStatus | undefined, next: DesiredStatus): boolean {
  if (!current) return true;
  if (current.state === 'inactive') return false;
  // A success stays, until a newer deployment replaces it.
  if (current.state === 'success') return next.state === 'inactive';
  // The cluster not answering says nothing new about a deployment that already failed.
  if ((current.state === 'failure' || current.state === 'error') && next.state === 'in_progress') return false;
  if (current.state !== next.state) return true;
  // Same state: only a different in_progress situation (applying, waiting, unreachable) is news.
  return next.state === 'in_progress' && current.description !== next.description;
}

// ---------------------------------------------------------------------------------------
// The publisher

export interface StatusObserver {
  observe(stage: string, verfahren: string): Observation;
  onChange(listener: ChangeListener): void;
  configuredStages(): string[];
}

export interface DeploymentStatusPublisherParams {
  readonly source: StatusObserver;
  readonly owner: string;
  readonly repo: string;
  /** The repository's installation client (created once, on first use). */
  readonly octokit: () => Promise<GitHubClient>;
  readonly log: Logger & { error(obj: object, msg: string): void };
  readonly locale?: Locale;
  /** How many of the newest deployments the first scan reads (default 300). */
  readonly scanLimit?: number;
  /** Pause before trying again after a GitHub error (default 60 s). */
  readonly retryMs?: number;
  /** Pause before looking again for the deployment of a revision a cluster names (default 30 s). */
  readonly lookAgainMs?: number;
}

interface Known {
  status?: DesiredStatus;
  /** The latest status was read from GitHub or written by this process. */
  read: boolean;
}

function payloadOf(raw: unknown): Record<string, unknown> {
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

const SHA = /^[0-9a-f]{40}$/;
const LOOKS_PER_REVISION = 5;

export class DeploymentStatusPublisher {
  readonly #p: DeploymentStatusPublisherParams;
  readonly #locale: Locale;
  /** Per environment, newest first. */
  readonly #deployments = new Map<string, TrackedDeployment[]>();
  readonly #known = new Map<number, Known>();
  readonly #refs = new Set<string>();
  /** Revisions scans did not find a deployment for, and how often they looked. */
  readonly #lookedFor = new Map<string, number>();
  /** Revisions to look for once more (their pause is over). */
  readonly #lookAgain = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** `<revision>:<path>` → newest commit touching path as of revision (commits never change). */
  readonly #lastTouch = new Map<string, string | null>();
  #maxId = 0;
  #scanned = false;
  #client?: Promise<GitHubClient>;
  readonly #dirty = new Set<string>();
  #allDirty = false;
  #running?: Promise<void>;
  #stopped = false;

  constructor(params: DeploymentStatusPublisherParams) {
    this.#p = params;
    this.#locale = params.locale ?? 'de';
    params.source.onChange((stage, verfahren) => this.#markDirty(stage, verfahren));
  }

  /** Reads the deployments and settles every environment; later changes of the clusters settle themselves. */
  start(): Promise<void> {
    this.#allDirty = true;
    return this.#kick();
  }

  /** Resolves when no work is pending (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #markDirty(stage: string, verfahren?: string): void {
    if (this.#stopped) return;
    if (verfahren === undefined) {
      for (const env of this.#deployments.keys()) if (env.startsWith(`${stage}/`)) this.#dirty.add(env);
      this.#dirty.add(`${stage}/*`);
    } else {
      this.#dirty.add(`${stage}/${verfahren}`);
    }
    void this.#kick();
  }

  #kick(): Promise<void> {
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#allDirty || this.#dirty.size > 0) {
      const all = this.#allDirty;
      const dirty = [...this.#dirty];
      this.#allDirty = false;
      this.#dirty.clear();
      try {
        const octokit = await this.#octokit();
        await this.#refreshIfNeeded(octokit, all, dirty);
        const envs = all ? [...this.#deployments.keys()] : this.#expand(dirty);
        for (const env of envs.sort()) await this.#settle(octokit, env);
      } catch (error) {
        // Tried again after a pause (or at the next change of a cluster); nothing is lost but time.
        this.#client = undefined;
        this.#p.log.error({ err: loggable(error), repository: `${this.#p.owner}/${this.#p.repo}` }, 'freigabe could not update deployment statuses');
        this.#retryLater(all, dirty);
        return;
      }
    }
  }

  #retryLater(all: boolean, dirty: readonly string[]): void {
    this.#later(() => {
      this.#allDirty ||= all;
      for (const key of dirty) this.#dirty.add(key);
    }, this.#p.retryMs ?? 60_000);
  }

  /** Runs `mark` after a pause, then works off what it marked. */
  #later(mark: () => void, ms: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      mark();
      void this.#kick();
    }, ms);
    timer.unref?.();
    this.#timers.add(timer);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #expand(dirty: readonly string[]): string[] {
    const out = new Set<string>();
    for (const key of dirty) {
      if (key.endsWith('/*')) {
        const prefix = key.slice(0, -1);
        for (const env of this.#deployments.keys()) if (env.startsWith(prefix)) out.add(env);
      } else if (this.#deployments.has(key)) out.add(key);
    }
    return [...out];
  }

  #octokit(): Promise<GitHubClient> {
    this.#client ??= this.#p.octokit();
    return this.#client;
  }

  /** The first time: the newest `scanLimit` deployments. Later: the new ones, when a cluster names a revision no deployment has. */
  async #refreshIfNeeded(octokit: GitHubClient, all: boolean, dirty: readonly string[]): Promise<void> {
    const keys = all ? this.#p.source.configuredStages().map((stage) => `${stage}/*`) : dirty;
    const unknown = new Map<string, string>();
    for (const key of keys) {
      const [stage, verfahren] = key.split('/');
      const observed = verfahren === '*' ? this.#stageObservations(stage) : [this.#p.source.observe(stage, verfahren)];
      for (const o of observed) {
        if (o.kind !== 'present') continue;
        for (const r of [o.status.revision, o.status.targetRevision]) {
          if (r && !this.#refs.has(r) && (!this.#lookedFor.has(r) || this.#lookAgain.has(r))) unknown.set(r, key);
        }
      }
    }
    if (this.#scanned && unknown.size === 0) return;
    await this.#scan(octokit, this.#scanned ? undefined : (this.#p.scanLimit ?? 300));
    this.#scanned = true;
    for (const [r, key] of unknown) {
      this.#lookAgain.delete(r);
      if (this.#refs.has(r)) continue;
      // deployments.ts records the deployment after the push, so an agent can name the commit
      // first: look again a few times; most commits found here have a deployment of their own.
      const looks = (this.#lookedFor.get(r) ?? 0) + 1;
      this.#lookedFor.set(r, looks);
      if (looks < LOOKS_PER_REVISION) this.#later(() => {
        this.#lookAgain.add(r);
        this.#dirty.add(key);
      }, this.#p.lookAgainMs ?? 30_000);
    }
  }

  #stageObservations(stage: string): Observation[] {
    const out: Observation[] = [];
    for (const env of this.#deployments.keys()) if (env.startsWith(`${stage}/`)) out.push(this.#p.source.observe(stage, env.slice(stage.length + 1)));
    // A Flux stage's own status (its revision names every Fachverfahren's commit).
    out.push(this.#p.source.observe(stage, ''));
    return out;
  }

  async #scan(octokit: GitHubClient, limit: number | undefined): Promise<void> {
    const stages = new Set(this.#p.source.configuredStages());
    const before = this.#maxId;
    let seen = 0;
    for (let page = 1; ; page++) {
      const { data } = await octokit.rest.repos.listDeployments({ owner: this.#p.owner, repo: this.#p.repo, task: 'deploy', per_page: 100, page });
      let reachedKnown = false;
      for (const d of data) {
        seen++;
        if (d.id <= before) reachedKnown = true;
        this.#track(d, stages);
      }
      if (data.length < 100 || reachedKnown || (limit !== undefined && seen >= limit)) break;
    }
  }

  #track(d: { id: number; environment: string; sha: string; payload: unknown; production_environment?: boolean }, stages: Set<string>): void {
    const payload = payloadOf(d.payload);
    const stage = payload.stage;
    const verfahren = payload.verfahren;
    const ref = typeof payload.rendered === 'string' ? payload.rendered : d.sha;
    if (payload.freigabe !== 1 || typeof stage !== 'string' || typeof verfahren !== 'string' || !stages.has(stage) || !SHA.test(ref)) return;
    if (d.environment !== `${stage}/${verfahren}`) return;
    const list = this.#deployments.get(d.environment) ?? [];
    if (list.some((x) => x.id === d.id)) return;
    list.push({
      id: d.id,
      environment: d.environment,
      stage,
      verfahren,
      ref,
      path: typeof payload.path === 'string' && payload.path !== '' ? payload.path : verfahren,
      removed: payload.removed === true,
      production: d.production_environment === true,
    });
    list.sort((a, b) => b.id - a.id);
    this.#deployments.set(d.environment, list);
    this.#refs.add(ref);
    this.#maxId = Math.max(this.#maxId, d.id);
  }

  async #settle(octokit: GitHubClient, env: string): Promise<void> {
    const [latest, ...older] = this.#deployments.get(env) ?? [];
    if (!latest) return;
    const current = await this.#current(octokit, latest);
    if (current.status?.state !== 'success' && current.status?.state !== 'inactive') await this.#advance(octokit, latest);
    const latestState = current.status?.state;
    for (const old of older) {
      const known = await this.#current(octokit, old);
      const state = known.status?.state;
      if (state === 'inactive') continue;
      if (state === 'success') {
        // A replaced deployment that succeeded is still what runs until the newer one does.
        if (latestState !== 'success') continue;
        if (!old.production) {
          // GitHub's auto_inactive did it with the newer deployment's status.
          known.status = { state: 'inactive', description: '' };
          continue;
        }
      }
      await this.#write(octokit, old, { state: 'inactive', description: short(TEXT[this.#locale].replaced(latest.id)) });
    }
    // Replaced deployments are done with once inactive.
    this.#deployments.set(env, [latest, ...older.filter((d) => this.#known.get(d.id)?.status?.state !== 'inactive')]);
  }

  async #advance(octokit: GitHubClient, latest: TrackedDeployment): Promise<void> {
    const observation = this.#p.source.observe(latest.stage, latest.verfahren);
    let applied = false;
    let targeted = false;
    if (observation.kind === 'present') {
      applied = await this.#carries(octokit, observation.status.revision, latest);
      targeted = applied || (await this.#carries(octokit, observation.status.targetRevision ?? null, latest));
    }
    const next = desiredStatus({ deployment: latest, observation, applied, targeted, locale: this.#locale });
    if (next) await this.#write(octokit, latest, next);
  }

  /** Whether `revision` holds the deployment's commit for its Fachverfahren. */
  async #carries(octokit: GitHubClient, revision: string | null, d: TrackedDeployment): Promise<boolean> {
    if (!revision) return false;
    if (revision === d.ref) return true;
    const key = `${revision}:${d.path}`;
    let touched = this.#lastTouch.get(key);
    if (touched === undefined) {
      const { data } = await octokit.rest.repos.listCommits({ owner: this.#p.owner, repo: this.#p.repo, sha: revision, path: d.path, per_page: 1 });
      touched = data[0]?.sha ?? null;
      this.#lastTouch.set(key, touched);
    }
    return touched === d.ref;
  }

  async #current(octokit: GitHubClient, d: TrackedDeployment): Promise<Known> {
    let known = this.#known.get(d.id);
    if (!known?.read) {
      const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner: this.#p.owner, repo: this.#p.repo, deployment_id: d.id, per_page: 1 });
      const last = data[0];
      known = { read: true, ...(last ? { status: { state: last.state as DeploymentState, description: last.description ?? '' } } : {}) };
      this.#known.set(d.id, known);
    }
    return known;
  }

  async #write(octokit: GitHubClient, d: TrackedDeployment, next: DesiredStatus): Promise<void> {
    const known = await this.#current(octokit, d);
    if (!shouldWrite(known.status, next)) return;
    await octokit.rest.repos.createDeploymentStatus({
      owner: this.#p.owner,
      repo: this.#p.repo,
      deployment_id: d.id,
      state: next.state,
      description: next.description,
      log_url: `https://github.com/${this.#p.owner}/${this.#p.repo}/commit/${d.ref}`,
    });
    known.status = next;
    this.#p.log.info({ deployment: d.id, environment: d.environment, state: next.state }, 'freigabe set a deployment status');
  }
}
