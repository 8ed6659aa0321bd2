/**
 * Which cluster answers for which stage (PRODUCT.md §4.5). The credentials belong to where the
 * app runs, not to the estate repository: the operator names a YAML file in
 * `FREIGABE_CLUSTERS`, whose stages point at a kubeconfig context (KUBECONFIG or
 * ~/.kube/config, as kubectl reads it) or at the app's own service account (`inCluster`).
 *
 * ```yaml
 * repository: itdz/estate          # where freigabe records the GitHub Deployments
 * locale: de                       # language of the deployment status descriptions (de, en)
 * stages:
 *   vorpruefung: { context: caas-test, agent: argocd }               # namespace default: argocd
 *   produktion:  { inCluster: true, agent: flux, namespace: flux-system }
 * ```
 *
 * Reading is data in, data out: every mistake is a message naming the file and line, and all
 * of them are reported at once.
 */
import { parseYaml } from '../core/yaml.js';
import { findingMessage } from '../i18n/findings.js';
import type { WorkloadAgent } from './workload-status.js';

export const DEFAULT_NAMESPACE: Readonly<Record<WorkloadAgent, string>> = { argocd: 'argocd', flux: 'flux-system' };

export type ClusterRef = { readonly context: string } | { readonly inCluster: true };

export interface StageCluster {
  readonly stage: string;
  readonly cluster: ClusterRef;
  readonly agent: WorkloadAgent;
  readonly namespace: string;
  /** Line of the stage's entry, for messages about it after parsing (e.g. an unknown context). */
  readonly line: number;
  /** Line of `context` / `inCluster`. */
  readonly clusterLine: number;
}

export interface ClusterConfig {
  readonly file: string;
  /** `owner/name` of the repository that holds the rendered commits and their Deployments. */
  readonly owner: string;
  readonly repo: string;
  readonly stages: readonly StageCluster[];
  /** Language of the deployment status descriptions (default de). */
  readonly locale: 'de' | 'en';
}

export interface ClusterConfigResult {
  readonly config?: ClusterConfig;
  /** `file:line: message`, one per mistake. */
  readonly errors: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
const TOP_KEYS = new Set(['repository', 'stages', 'locale']);
const STAGE_KEYS = new Set(['context', 'inCluster', 'agent', 'namespace']);

/** A kubeconfig context names the cluster the same way in every message. */
export function clusterName(ref: ClusterRef): string {
  return 'context' in ref ? ref.context : 'in-cluster';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseClusterConfig(file: string, bytes: Uint8Array): ClusterConfigResult {
  const parsed = parseYaml(file, bytes);
  if (parsed.diagnostics.length > 0) return { errors: parsed.diagnostics.map((d) => `${d.file}:${d.line}: ${findingMessage(d, 'en')}`) };
  const errors: string[] = [];
  const at = (pointer: string, message: string) => errors.push(`${file}:${parsed.lines.lineOf(pointer)}: ${message}`);
  const doc = parsed.value;
  if (!isObject(doc)) {
    at('', 'expected a mapping with `repository` and `stages`');
    return { errors };
  }
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) at(`/${key}`, `unknown key "${key}" (allowed: repository, stages, locale)`);

  let owner = '';
  let repo = '';
  if (typeof doc.repository !== 'string' || !REPOSITORY.test(doc.repository)) {
    at('/repository', '`repository` must be "owner/name": the repository that holds the rendered commits and their GitHub Deployments (the estate, or output.repository)');
  } else {
    [owner, repo] = doc.repository.split('/');
  }

  const locale = doc.locale ?? 'de';
  if (locale !== 'de' && locale !== 'en') at('/locale', '`locale` must be de or en');

  const stages: StageCluster[] = [];
  if (!isObject(doc.stages) || Object.keys(doc.stages).length === 0) {
    at('/stages', '`stages` must map at least one stage name to { context | inCluster, agent, namespace }');
  } else {
    for (const [stage, entry] of Object.entries(doc.stages)) {
      const base = `/stages/${stage}`;
      const line = parsed.lines.lineOf(base);
      if (!DNS_LABEL.test(stage)) at(base, `stage "${stage}" is not a stage name (lower-case letters, digits and "-")`);
      if (!isObject(entry)) {
        at(base, `stage "${stage}" must be a mapping { context | inCluster, agent, namespace }`);
        continue;
      }
      for (const key of Object.keys(entry)) if (!STAGE_KEYS.has(key)) at(`${base}/${key}`, `unknown key "${key}" (allowed: context, inCluster, agent, namespace)`);
      const hasContext = entry.context !== undefined;
      const hasInCluster = entry.inCluster !== undefined;
      let cluster: ClusterRef | undefined;
      let clusterLine = line;
      if (hasContext && hasInCluster) {
        at(`${base}/inCluster`, `stage "${stage}": give either \`context\` or \`inCluster: true\`, not both`);
      } else if (hasContext) {
        clusterLine = parsed.lines.lineOf(`${base}/context`);
        if (typeof entry.context === 'string' && entry.context !== '') cluster = { context: entry.context };
        else at(`${base}/context`, `stage "${stage}": \`context\` must name a context of the kubeconfig`);
      } else if (hasInCluster) {
        clusterLine = parsed.lines.lineOf(`${base}/inCluster`);
        if (entry.inCluster === true) cluster = { inCluster: true };
        else at(`${base}/inCluster`, `stage "${stage}": \`inCluster\` can only be true; use \`context\` for a kubeconfig context`);
      } else {
        at(base, `stage "${stage}" needs \`context: <kubeconfig context>\` or \`inCluster: true\``);
      }
      const agent = entry.agent;
      if (agent !== 'argocd' && agent !== 'flux') at(entry.agent === undefined ? base : `${base}/agent`, `stage "${stage}": \`agent\` must be argocd or flux`);
      const namespace = entry.namespace ?? (agent === 'argocd' || agent === 'flux' ? DEFAULT_NAMESPACE[agent] : undefined);
      if (entry.namespace !== undefined && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace))) {
        at(`${base}/namespace`, `stage "${stage}": \`namespace\` must be a Kubernetes namespace name`);
      }
      if (cluster && (agent === 'argocd' || agent === 'flux') && typeof namespace === 'string' && DNS_LABEL.test(namespace) && DNS_LABEL.test(stage)) {
        stages.push({ stage, cluster, agent, namespace, line, clusterLine });
      }
    }
  }
  if (errors.length > 0) return { errors };
  return { config: { file, owner, repo, stages, locale: locale === 'en' ? 'en' : 'de' }, errors };
}
