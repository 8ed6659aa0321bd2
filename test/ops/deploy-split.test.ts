/**
 * deploy/split/ (webhooks-only replicas) as `kubectl kustomize` builds it: every object valid
 * against its schema, every pod restricted; the webhooks pods alone behind the Service
 * `freigabe` and reachable from the ingress controller; the workers (the base Deployment, its
 * selector unchanged) behind no webhook Service; a budget, Redis and Prometheus for each.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { roleFromEnv } from '../../src/github/queue/index.js';
import { build, finder, matches, restrictedViolations, schemaProblem, selects, type Obj } from './kustomize.js';

const root = join(import.meta.dirname, '..', '..');
const objects = build(join(root, 'deploy', 'split'));
const one = finder(objects, 'deploy/split/');
const baseOne = finder(build(join(root, 'deploy')), 'deploy/');
const baseDeployment = baseOne('Deployment', 'freigabe');

const webhooks = one('Deployment', 'freigabe-webhooks');
const workers = one('Deployment', 'freigabe');
const redis = one('StatefulSet', 'freigabe-redis');
const podLabels = { webhooks: webhooks.spec.template.metadata.labels, workers: workers.spec.template.metadata.labels, redis: redis.spec.template.metadata.labels };
const container = (d: Obj) => d.spec.template.spec.containers[0];
const envOf = (d: Obj): Record<string, Obj> => Object.fromEntries(container(d).env.map((e: Obj) => [e.name, e]));
const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

/** What the NetworkPolicies selecting pods with these labels admit: `<namespace or pod component>:<port>`. */
function ingressTo(labels: Record<string, string>): string[] {
  const rules = policies.filter((p) => selects(p.spec.podSelector, labels) && p.spec.policyTypes.includes('Ingress')).flatMap((p) => p.spec.ingress ?? []);
  const peer = (f: Obj) => (f.namespaceSelector ? `ns ${f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}` : `pods ${f.podSelector.matchLabels['app.kubernetes.io/component']}`);
  return rules.flatMap((r: Obj) => r.from.flatMap((f: Obj) => r.ports.map((p: Obj) => `${peer(f)}:${p.port}`))).sort();
}

/** The egress rules of the policies selecting pods with these labels. */
const egressOf = (labels: Record<string, string>) => policies.filter((p) => selects(p.spec.podSelector, labels)).flatMap((p) => p.spec.egress ?? []);

describe('deploy/split builds with kubectl kustomize', () => {
  test('the base objects plus the webhooks Deployment, its budget and policy and the workers’ metrics Service, each valid against its schema', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/freigabe',
      'Deployment/freigabe-webhooks',
      'Namespace/freigabe',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/freigabe',
      'NetworkPolicy/freigabe-redis',
      'NetworkPolicy/freigabe-webhooks',
      'PodDisruptionBudget/freigabe',
      'PodDisruptionBudget/freigabe-webhooks',
      'Service/freigabe',
      'Service/freigabe-redis',
      'Service/freigabe-workers',
      'ServiceAccount/freigabe',
      'StatefulSet/freigabe-redis',
    ]);
    for (const o of objects) {
      expect(schemaProblem(o), `${o.kind}/${o.metadata.name}`).toBeUndefined();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('freigabe');
    }
  });

  test('every pod meets the restricted Pod Security Standard', () => {
    for (const o of [webhooks, workers, redis]) expect(restrictedViolations(o.spec.template.spec), o.metadata.name).toEqual([]);
  });
});

describe('the two Deployments', () => {
  test('the workers are the base Deployment (its selector is immutable) with FREIGABE_ROLE=all', () => {
    const { env, ...rest } = container(workers);
    const { env: baseEnv, ...baseRest } = container(baseDeployment);
    expect(rest).toEqual(baseRest);
    expect(env.filter((e: Obj) => e.name !== 'FREIGABE_ROLE')).toEqual(baseEnv);
    const withoutContainers = (d: Obj) => {
      const copy = structuredClone(d);
      delete copy.spec.template.spec.containers;
      return copy;
    };
    expect(withoutContainers(workers)).toEqual(withoutContainers(baseDeployment));
  });

  test('FREIGABE_ROLE: webhooks for freigabe-webhooks, all for the workers, and the app accepts both environments', () => {
    const plain = (d: Obj) => Object.fromEntries(container(d).env.filter((e: Obj) => 'value' in e).map((e: Obj) => [e.name, e.value]));
    expect(envOf(webhooks).FREIGABE_ROLE).toEqual({ name: 'FREIGABE_ROLE', value: 'webhooks' });
    expect(envOf(workers).FREIGABE_ROLE).toEqual({ name: 'FREIGABE_ROLE', value: 'all' });
    expect(roleFromEnv(plain(webhooks))).toBe('webhooks');
    expect(roleFromEnv(plain(workers))).toBe('all');
    // FREIGABE_ROLE=webhooks without REDIS_URL stops the start: both must share the Redis.
    expect(envOf(webhooks).REDIS_URL).toEqual(envOf(workers).REDIS_URL);
  });

  test('the webhooks pods are the workers’ pods but for role, labels, spread and a smaller heap and resources', () => {
    expect(webhooks.spec.replicas).toBe(2);
    expect(workers.spec.replicas).toBe(2);
    expect(webhooks.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const resources = container(webhooks).resources;
    expect(resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
    expect(resources.limits.memory).toBe('512Mi');
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envOf(webhooks).NODE_OPTIONS.value)![1]);
    expect(heapMb).toBeLessThan(512);
    expect(heapMb).toBeGreaterThanOrEqual(256);
    const spread = webhooks.spec.template.spec.topologySpreadConstraints;
    expect(spread).toHaveLength(workers.spec.template.spec.topologySpreadConstraints.length);
    for (const c of spread) {
      expect(selects(c.labelSelector, podLabels.webhooks)).toBe(true);
      expect(selects(c.labelSelector, podLabels.workers)).toBe(false);
    }
    // Apart from those, the pod spec is the workers' (copied at build time, not written twice).
    const normalize = (d: Obj) => {
      const pod = structuredClone(d.spec.template.spec);
      delete pod.topologySpreadConstraints;
      delete pod.containers[0].resources;
      pod.containers[0].env = pod.containers[0].env.filter((e: Obj) => !['FREIGABE_ROLE', 'NODE_OPTIONS'].includes(e.name)).sort((a: Obj, b: Obj) => a.name.localeCompare(b.name));
      return pod;
    };
    expect(normalize(webhooks)).toEqual(normalize(workers));
    // REDIS_URL uses $(REDIS_PASSWORD): Kubernetes expands only variables defined before it.
    const names = container(webhooks).env.map((e: Obj) => e.name);
    expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf('REDIS_URL'));
  });

  test('the app key, webhook secret and Redis password only by Secret reference, in both; no Secret in the build', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const d of [webhooks, workers]) {
      const env = envOf(d);
      for (const name of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'REDIS_PASSWORD']) {
        expect(env[name], `${d.metadata.name} ${name}`).toEqual({ name, valueFrom: { secretKeyRef: { name: 'freigabe', key: name } } });
      }
      expect(env.REDIS_URL.value).toMatch(/^redis:\/\/:\$\(REDIS_PASSWORD\)@freigabe-redis:6379$/);
    }
  });

  test('the two selectors do not overlap; each budget selects exactly its Deployment’s pods and keeps one of two', () => {
    expect(selects(webhooks.spec.selector, podLabels.workers)).toBe(false);
    expect(selects(workers.spec.selector, podLabels.webhooks)).toBe(false);
    for (const [pdbName, own, other] of [['freigabe-webhooks', webhooks, workers], ['freigabe', workers, webhooks]] as const) {
      const pdb = one('PodDisruptionBudget', pdbName);
      expect(selects(pdb.spec.selector, own.spec.template.metadata.labels), pdbName).toBe(true);
      expect(selects(pdb.spec.selector, other.spec.template.metadata.labels), pdbName).toBe(false);
      expect(selects(pdb.spec.selector, podLabels.redis), pdbName).toBe(false);
      expect(pdb.spec.minAvailable).toBe(1);
    }
  });
});

describe('Services', () => {
  test('the Service freigabe selects the webhooks pods only', () => {
    const service = one('Service', 'freigabe');
    expect(matches(service.spec.selector, podLabels.webhooks)).toBe(true);
    expect(matches(service.spec.selector, podLabels.workers)).toBe(false);
    expect(matches(service.spec.selector, podLabels.redis)).toBe(false);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  test('Prometheus finds both: each Deployment’s pods are listed by a Service annotated for scraping on the app port', () => {
    const scraped = objects.filter((o) => o.kind === 'Service' && o.metadata.annotations?.['prometheus.io/scrape'] === 'true');
    for (const labels of [podLabels.webhooks, podLabels.workers]) {
      const services = scraped.filter((s) => matches(s.spec.selector, labels));
      expect(services, labels['app.kubernetes.io/component']).toHaveLength(1);
      expect(services[0]!.metadata.annotations['prometheus.io/port']).toBe(String(container(webhooks).ports[0].containerPort));
    }
    // The workers' Service is headless: it lists the pods and balances nothing.
    expect(one('Service', 'freigabe-workers').spec.clusterIP).toBe('None');
  });
});

describe('network policies', () => {
  test('the selector matcher reads matchExpressions', () => {
    const selector = { matchLabels: { a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['x', 'y'] }] };
    expect(selects(selector, { a: '1', c: 'y' })).toBe(true);
    expect(selects(selector, { a: '1', c: 'z' })).toBe(false);
    expect(selects(selector, { a: '1' })).toBe(false);
    expect(selects({}, { any: 'pod' })).toBe(true);
  });

  test('webhooks from the ingress controller reach the webhooks pods only; Prometheus reaches both on 3000', () => {
    expect(ingressTo(podLabels.webhooks)).toEqual(['ns ingress-nginx:3000', 'ns monitoring:3000']);
    expect(ingressTo(podLabels.workers)).toEqual(['ns monitoring:3000']);
  });

  test('both reach Redis, DNS and GitHub as the base allows; Redis takes connections from both and connects nowhere', () => {
    const baseEgress = baseOne('NetworkPolicy', 'freigabe').spec.egress;
    expect(egressOf(podLabels.webhooks)).toEqual(baseEgress);
    expect(egressOf(podLabels.workers)).toEqual(baseEgress);
    expect(ingressTo(podLabels.redis)).toEqual(['pods app:6379', 'pods webhooks:6379']);
    expect(egressOf(podLabels.redis)).toEqual([]);
    expect(one('NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });
});
