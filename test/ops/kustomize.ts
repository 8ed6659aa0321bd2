/**
 * Shared by the tests of deploy/ and deploy/split/: build a kustomization with the real
 * `kubectl kustomize`, find its objects, match label selectors, check pods against the
 * restricted Pod Security Standard.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { WORKLOAD_KINDS } from '../../src/core/k8s-validate.js';

const KUBECTL = existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';

export type Obj = Record<string, any>;

/** The objects `kubectl kustomize dir` builds. */
export function build(dir: string): Obj[] {
  return (loadAll(execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8' }), { schema: CORE_SCHEMA }) as Obj[]).filter(Boolean);
}

/** `one(kind, name)` over the objects of a build; throws when there is none. */
export function finder(objects: Obj[], where: string): (kind: string, name: string) => Obj {
  return (kind, name) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind}/${name} in ${where}`);
    return found;
  };
}

/** Why an object is not valid against its Kubernetes schema (kubernetes-models), or undefined. */
export function schemaProblem(o: Obj): string | undefined {
  const rule = WORKLOAD_KINDS[o.kind];
  if (!rule) return `no schema for kind ${o.kind}`;
  if (o.apiVersion !== rule.apiVersion) return `apiVersion ${o.apiVersion}, expected ${rule.apiVersion}`;
  return rule.validate(o);
}

/** A Service's selector (a plain map) or matchLabels against a pod's labels. */
export const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** A LabelSelector (matchLabels and matchExpressions; `{}` selects every pod) against a pod's labels. */
export function selects(selector: Obj, labels: Record<string, string>): boolean {
  return (
    matches(selector.matchLabels ?? {}, labels) &&
    (selector.matchExpressions ?? []).every((e: Obj) => {
      const has = Object.hasOwn(labels ?? {}, e.key);
      switch (e.operator) {
        case 'In': return has && e.values.includes(labels[e.key]);
        case 'NotIn': return !has || !e.values.includes(labels[e.key]);
        case 'Exists': return has;
        case 'DoesNotExist': return !has;
        default: throw new Error(`unknown selector operator ${e.operator}`);
      }
    })
  );
}

const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Violations of the restricted Pod Security Standard (v1.30) in a pod spec. */
export function restrictedViolations(pod: Obj): string[] {
  const out: string[] = [];
  const psc = pod.securityContext ?? {};
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push('host namespaces');
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !ALLOWED_VOLUMES.has(type)) out.push(`volume ${v.name}: ${type}`);
  }
  if (psc.runAsUser === 0) out.push('pod runAsUser 0');
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities must drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`${where}: adds ${cap}`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${where}: seccompProfile`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${where}: hostPort`);
    // Beyond the standard, what the rendered workloads also hold to.
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) out.push(`${where}: resources`);
  }
  return out;
}
