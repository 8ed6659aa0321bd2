/**
 * The status reader (PRODUCT.md §4.5): one `@kubernetes/client-node` informer per cluster,
 * agent and namespace (stages that share an Argo CD share its informer). The library lists,
 * watches, keeps the resourceVersion, re-watches a closed watch and re-lists after `410 Gone`;
 * only after an error does it stop, and then this module starts it again with a growing
 * pause (the library's documented pattern). A cluster that does not answer is a state
 * (`unreachable`), never an exception.
 */
import { CustomObjectsApi, KubeConfig, makeInformer, type Informer, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { MANAGED_BY_SELECTOR, applicationIdentity, applicationStatus, fluxVerfahren, kustomizationStage, kustomizationStatus } from './agent-status.js';
import { clusterName, type ClusterConfig, type StageCluster } from './cluster-config.js';
import type { StageClusterStatus, WorkloadAgent, WorkloadStatus, WorkloadStatusSource } from './workload-status.js';

export const RESOURCES: Readonly<Record<WorkloadAgent, { group: string; version: string; plural: string }>> = {
  argocd: { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' },
  flux: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
};

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the status reader knows about one Fachverfahren in one stage. */
export type Observation =
  | { readonly kind: 'unconfigured' }
  /** The cluster has not answered yet since the start. */
  | { readonly kind: 'pending' }
  | { readonly kind: 'unreachable'; readonly cluster: string; readonly message: string }
  /** The cluster answered and has no object for this Fachverfahren (Argo CD) or stage (Flux). */
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly status: WorkloadStatus };

/** A change of what `observe` returns: one Fachverfahren, or every one of the stage (`verfahren` undefined). */
export type ChangeListener = (stage: string, verfahren?: string) => void;

// ---------------------------------------------------------------------------------------
// KubeConfig per cluster

export interface KubeConfigOptions {
  /** In-cluster config: prefix of /var/run/secrets/... (tests). */
  readonly serviceAccountPrefix?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One KubeConfig per configured cluster, loaded the way kubectl does (KUBECONFIG, else
 * ~/.kube/config) or from the pod's service account. Mistakes name the cluster file's line.
 */
export function loadKubeConfigs(config: ClusterConfig, options: KubeConfigOptions = {}): { configs: Map<string, KubeConfig>; errors: string[] } {
  const env = options.env ?? process.env;
  const configs = new Map<string, KubeConfig>();
  const errors: string[] = [];
  for (const s of config.stages) {
    const name = clusterName(s.cluster);
    if (configs.has(name)) continue;
    const where = `${config.file}:${s.clusterLine}`;
    const kc = new KubeConfig();
    if ('context' in s.cluster) {
      try {
        kc.loadFromDefault();
      } catch (error) {
        errors.push(`${where}: the kubeconfig cannot be read (${(error as Error).message}); KUBECONFIG=${env.KUBECONFIG ?? '(unset, ~/.kube/config)'}`);
        continue;
      }
      const context = kc.getContextObject(s.cluster.context);
      if (!context) {
        const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
        errors.push(`${where}: context "${s.cluster.context}" is not in the kubeconfig (KUBECONFIG=${env.KUBECONFIG ?? '(unset, ~/.kube/config)'}; contexts: ${known})`);
        continue;
      }
      if (!kc.getCluster(context.cluster)) {
        errors.push(`${where}: context "${s.cluster.context}" names cluster "${context.cluster}", which the kubeconfig does not define`);
        continue;
      }
      kc.setCurrentContext(s.cluster.context);
    } else {
      const prefix = options.serviceAccountPrefix ?? '';
      const token = `${prefix}/var/run/secrets/kubernetes.io/serviceaccount/token`;
      if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
        errors.push(`${where}: inCluster needs the app to run in a Kubernetes pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set); use \`context\` outside a cluster`);
        continue;
      }
      if (!existsSync(token)) {
        errors.push(`${where}: inCluster needs the pod's service account token at ${token} (automountServiceAccountToken)`);
        continue;
      }
      withEnv(env, () => kc.loadFromCluster(prefix));
    }
    configs.set(name, kc);
  }
  return { configs, errors };
}

/** loadFromCluster reads process.env; tests pass their own. */
function withEnv(env: NodeJS.ProcessEnv, fn: () => void): void {
  if (env === process.env) return fn();
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
  try {
    fn();
  } finally {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

// ---------------------------------------------------------------------------------------
// The informers

export interface ClusterWatchOptions {
  readonly config: ClusterConfig;
  readonly kubeConfigs: ReadonlyMap<string, KubeConfig>;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Pause before restarting an informer after an error: doubles from `initialMs` up to `maxMs`. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

interface Group {
  readonly key: string;
  readonly cluster: string;
  readonly agent: WorkloadAgent;
  readonly namespace: string;
  readonly stages: Map<string, StageCluster>;
  readonly kc: KubeConfig;
  informer?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  /** Per object (namespace/name): its stage and statuses (Flux: the stage's first, verfahren ''). */
  readonly objects: Map<string, { stage: string; statuses: WorkloadStatus[] }>;
  /** `<stage>/<verfahren>` → status (a Flux stage's own under `<stage>/`). */
  readonly index: Map<string, WorkloadStatus>;
  reachable: boolean;
  message: string | null;
  failures: number;
  errors: number;
  observedAt: string;
  timer?: NodeJS.Timeout;
}

/** A short, stable account of why a cluster did not answer (it may end up in a deployment status). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: unknown; statusCode?: unknown; body?: unknown };
  // client-node's ApiException: the HTTP status and the API server's own message (e.g. RBAC).
  const status = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    let detail = '';
    try {
      const body: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      const m = (body as { message?: unknown } | undefined)?.message;
      if (typeof m === 'string') detail = m;
    } catch {
      // not a Status object
    }
    return `HTTP ${status}${detail ? `: ${detail}` : e.message && !e.message.startsWith('HTTP-Code') ? `: ${e.message}` : ''}`;
  }
  // node-fetch: "request to <url> failed, reason: connect ECONNREFUSED 10.0.0.1:6443"
  const reason = /reason: (.+)$/s.exec(e.message);
  return (reason ? reason[1] : e.message).split('\n')[0];
}

export class ClusterStatusSource implements WorkloadStatusSource {
  readonly #groups: Group[] = [];
  readonly #byStage = new Map<string, Group>();
  readonly #listeners: ChangeListener[] = [];
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #retry: { initialMs: number; maxMs: number };
  #stopped = false;

  constructor(options: ClusterWatchOptions) {
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#retry = options.retry ?? { initialMs: 1_000, maxMs: 60_000 };
    const byKey = new Map<string, Group>();
    for (const s of options.config.stages) {
      const cluster = clusterName(s.cluster);
      const key = `${cluster}|${s.agent}|${s.namespace}`;
      let group = byKey.get(key);
      if (!group) {
        const kc = options.kubeConfigs.get(cluster);
        if (!kc) throw new Error(`freigabe bug: no KubeConfig for cluster ${cluster}`);
        group = { key, cluster, agent: s.agent, namespace: s.namespace, stages: new Map(), kc, objects: new Map(), index: new Map(), reachable: false, message: null, failures: 0, errors: 0, observedAt: this.#now().toISOString() };
        byKey.set(key, group);
        this.#groups.push(group);
      }
      group.stages.set(s.stage, s);
      this.#byStage.set(s.stage, group);
    }
  }

  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  /** Starts every informer; resolves once each has answered or failed once (it keeps retrying). */
  async start(): Promise<void> {
    this.#stopped = false;
    await Promise.all(this.#groups.map((g) => this.#startGroup(g)));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const g of this.#groups) {
      clearTimeout(g.timer);
      await g.informer?.stop();
    }
  }

  configuredStages(): string[] {
    return [...this.#byStage.keys()];
  }

  statuses(): readonly WorkloadStatus[] {
    const out: WorkloadStatus[] = [];
    for (const g of this.#groups) {
      for (const entry of g.objects.values()) {
        for (const s of entry.statuses) if (s.verfahren !== '') out.push(g.reachable ? s : this.#unreachable(g, s));
      }
    }
    return out.sort((a, b) => (a.stage + '/' + a.verfahren < b.stage + '/' + b.verfahren ? -1 : 1));
  }

  stages(): readonly StageClusterStatus[] {
    return [...this.#byStage.entries()].map(([stage, g]) => ({ stage, agent: g.agent, cluster: g.cluster, reachable: g.reachable, message: g.message, observedAt: g.observedAt }));
  }

  observe(stage: string, verfahren: string): Observation {
    const g = this.#byStage.get(stage);
    if (!g) return { kind: 'unconfigured' };
    if (!g.reachable) return g.failures > 0 ? { kind: 'unreachable', cluster: g.cluster, message: g.message ?? '' } : { kind: 'pending' };
    const found = g.index.get(`${stage}/${verfahren}`) ?? (g.agent === 'flux' ? g.index.get(`${stage}/`) : undefined);
    if (!found) return { kind: 'absent' };
    return { kind: 'present', status: found.verfahren === verfahren ? found : { ...found, verfahren } };
  }

  #unreachable(g: Group, s: WorkloadStatus): WorkloadStatus {
    return { ...s, phase: 'unreachable', message: g.message, observedAt: g.observedAt };
  }

  #emit(stage: string, verfahren?: string): void {
    for (const l of this.#listeners) l(stage, verfahren);
  }

  #emitGroup(g: Group): void {
    for (const stage of g.stages.keys()) this.#emit(stage);
  }

  #makeInformer(g: Group): Informer<KubernetesObject> & ObjectCache<KubernetesObject> {
    const { group, version, plural } = RESOURCES[g.agent];
    const api = g.kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer<KubernetesObject>(
      g.kc,
      `/apis/${group}/${version}/namespaces/${g.namespace}/${plural}`,
      () => api.listNamespacedCustomObject({ group, version, namespace: g.namespace, plural, labelSelector: MANAGED_BY_SELECTOR }),
      MANAGED_BY_SELECTOR,
    );
    informer.on('add', (o) => this.#upsert(g, o));
    informer.on('update', (o) => this.#upsert(g, o));
    informer.on('delete', (o) => this.#remove(g, o));
    informer.on('error', (err) => this.#failed(g, err));
    return informer;
  }

  async #startGroup(g: Group): Promise<void> {
    if (this.#stopped) return;
    g.informer ??= this.#makeInformer(g);
    const before = g.errors;
    try {
      await g.informer.start();
    } catch (error) {
      // E.g. a watch that cannot even be set up; the error callback did not see it.
      this.#failed(g, error);
      return;
    }
    // start() returns once the list (when needed) and the watch request were answered; an error
    // on the way has been counted by the error callback.
    if (g.errors === before && !this.#stopped) this.#answered(g);
  }

  #answered(g: Group): void {
    const wasReachable = g.reachable;
    g.reachable = true;
    g.failures = 0;
    g.message = null;
    g.observedAt = this.#now().toISOString();
    if (!wasReachable) {
      this.#log.info({ cluster: g.cluster, agent: g.agent, namespace: g.namespace }, 'freigabe reads the cluster');
      this.#emitGroup(g);
    }
  }

  #failed(g: Group, err: unknown): void {
    if (this.#stopped) return;
    g.errors += 1;
    g.failures += 1;
    const message = errorMessage(err);
    const pause = Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** Math.min(g.failures - 1, 16));
    clearTimeout(g.timer);
    g.timer = setTimeout(() => void this.#startGroup(g), pause);
    g.timer.unref?.();
    if (g.reachable && g.failures === 1) {
      // One error of a cluster that answered (a reset connection) gets one quiet retry first.
      this.#log.info({ cluster: g.cluster, agent: g.agent, namespace: g.namespace, error: message }, 'freigabe lost the watch; starting it again');
      return;
    }
    // Listeners hear of the change to unreachable once per outage, not of every new error text:
    // each would be a deployment status written.
    const becameUnreachable = g.reachable || g.failures <= 1;
    const newMessage = g.message !== message;
    g.reachable = false;
    g.message = message;
    g.observedAt = this.#now().toISOString();
    if (becameUnreachable || newMessage) this.#log.warn({ cluster: g.cluster, agent: g.agent, namespace: g.namespace, error: message }, 'freigabe cannot read the cluster; retrying');
    if (becameUnreachable) this.#emitGroup(g);
  }

  #objectKey(o: KubernetesObject): string {
    return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  }

  #upsert(g: Group, o: KubernetesObject): void {
    // An event proves the cluster answers (e.g. after a re-watch the library did by itself).
    if (!g.reachable && !this.#stopped) this.#answered(g);
    const seen = { cluster: g.cluster, observedAt: this.#now().toISOString() };
    const key = this.#objectKey(o);
    const previous = g.objects.get(key);
    let entry: { stage: string; statuses: WorkloadStatus[] } | undefined;
    if (g.agent === 'argocd') {
      const id = applicationIdentity(o, [...g.stages.keys()]);
      if (id.stage && id.verfahren && g.stages.has(id.stage)) entry = { stage: id.stage, statuses: [applicationStatus(o, { stage: id.stage, verfahren: id.verfahren }, seen)] };
    } else {
      const stage = kustomizationStage(o);
      if (stage && g.stages.has(stage)) {
        const stageStatus = kustomizationStatus(o, stage, seen);
        entry = { stage, statuses: [stageStatus, ...fluxVerfahren(o, stage).map((verfahren) => ({ ...stageStatus, verfahren }))] };
      }
    }
    this.#unindex(g, previous);
    if (entry) {
      g.objects.set(key, entry);
      for (const s of entry.statuses) g.index.set(`${s.stage}/${s.verfahren}`, s);
    } else {
      g.objects.delete(key);
    }
    this.#emitEntry(previous, entry);
  }

  #remove(g: Group, o: KubernetesObject): void {
    const key = this.#objectKey(o);
    const previous = g.objects.get(key);
    g.objects.delete(key);
    this.#unindex(g, previous);
    this.#emitEntry(previous, undefined);
  }

  #unindex(g: Group, entry: { statuses: WorkloadStatus[] } | undefined): void {
    for (const s of entry?.statuses ?? []) {
      const k = `${s.stage}/${s.verfahren}`;
      if (g.index.get(k) === s) g.index.delete(k);
    }
  }

  #emitEntry(previous: { stage: string; statuses: WorkloadStatus[] } | undefined, next: { stage: string; statuses: WorkloadStatus[] } | undefined): void {
    const changed = new Map<string, string | undefined>();
    for (const e of [previous, next]) {
      if (!e) continue;
      const v = e.statuses[0]?.verfahren;
      // A Flux Kustomization speaks for its whole stage.
      changed.set(e.stage, v === '' ? undefined : v);
    }
    for (const [stage, verfahren] of changed) this.#emit(stage, verfahren);
  }
}
