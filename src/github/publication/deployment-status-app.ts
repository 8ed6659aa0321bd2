/**
 * Status from the clusters, wired into the app only when the operator configured clusters
 * (`FREIGABE_CLUSTERS` names the cluster file, see src/kubernetes/cluster-config.ts). Without
 * it nothing here runs and the app behaves as before. A bad cluster file stops the start with
 * every mistake and its line: running without the status the operator asked for would be a
 * silent failure.
 */
import { readFileSync } from 'node:fs';
import type { Probot } from 'probot';
import { parseClusterConfig, type ClusterConfig } from '../../kubernetes/cluster-config.js';
import { ClusterStatusSource, loadKubeConfigs, type KubeConfigOptions } from '../../kubernetes/cluster-watch.js';
import { DeploymentStatusPublisher } from './deployment-status.js';
import type { GitHubClient } from '../platform/github-client.js';
import { loggable } from '../platform/loggable.js';

export interface ClusterStatus {
  readonly config: ClusterConfig;
  /** The WorkloadStatusSource the dashboard reads. */
  readonly source: ClusterStatusSource;
  readonly publisher: DeploymentStatusPublisher;
  /** Resolves once every cluster answered or failed once and the first pass over the deployments is done. */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterStatusOptions extends KubeConfigOptions {
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  readonly retryMs?: number;
  readonly lookAgainMs?: number;
}

/** The cluster configuration named by `FREIGABE_CLUSTERS`, or undefined when it is not set. Throws with every mistake, each with file and line. */
export function clusterConfigFromEnv(env: NodeJS.ProcessEnv, options: KubeConfigOptions = {}): { config: ClusterConfig; kubeConfigs: ReturnType<typeof loadKubeConfigs>['configs'] } | undefined {
  const file = env.FREIGABE_CLUSTERS;
  if (!file) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`FREIGABE_CLUSTERS=${file}: the cluster file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const { config, errors } = parseClusterConfig(file, bytes);
  if (!config) throw new Error(`FREIGABE_CLUSTERS: the cluster file has mistakes:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  const loaded = loadKubeConfigs(config, { ...options, env });
  if (loaded.errors.length > 0) throw new Error(`FREIGABE_CLUSTERS: the clusters cannot be reached as configured:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}`);
  return { config, kubeConfigs: loaded.configs };
}

/** Starts the watches and the deployment statuses for this app, when clusters are configured. */
export function startClusterStatus(app: Probot, env: NodeJS.ProcessEnv, options: ClusterStatusOptions = {}): ClusterStatus | undefined {
  const loaded = clusterConfigFromEnv(env, options);
  if (!loaded) return undefined;
  const { config, kubeConfigs } = loaded;
  const log = app.log.child({ name: 'freigabe-status' });
  const source = new ClusterStatusSource({ config, kubeConfigs, log, ...(options.retry ? { retry: options.retry } : {}) });
  const { owner, repo } = config;
  const publisher = new DeploymentStatusPublisher({
    source,
    owner,
    repo,
    locale: config.locale,
    log,
    ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    ...(options.lookAgainMs !== undefined ? { lookAgainMs: options.lookAgainMs } : {}),
    octokit: async () => {
      const appOctokit = await app.auth();
      const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo });
      return (await app.auth(data.id)) as GitHubClient;
    },
  });
  const started = source
    .start()
    .then(() => publisher.start())
    .catch((error: unknown) => log.error({ err: loggable(error) }, 'freigabe could not start the cluster status'));
  log.info({ repository: `${owner}/${repo}`, stages: config.stages.map((s) => s.stage) }, 'freigabe reads Argo CD/Flux status from the clusters');
  return {
    config,
    source,
    publisher,
    started,
    async stop() {
      publisher.stop();
      await source.stop();
    },
  };
}
