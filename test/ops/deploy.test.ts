/**
 * deploy/ (freigabe itself on Kubernetes) as `kubectl kustomize` builds it: every object
 * checked against its Kubernetes schema (kubernetes-models, as src/core/k8s-validate.ts does
 * for rendered output), every pod against the restricted Pod Security Standard, and the
 * wiring between the objects (probes, Secret references, Services, policies, budget).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { build, finder, matches, restrictedViolations, schemaProblem, type Obj } from './kustomize.js';

const root = join(import.meta.dirname, '..', '..');
const objects = build(join(root, 'deploy'));
const one = finder(objects, 'deploy/');

describe('deploy/ builds with kubectl kustomize', () => {
  test('the objects freigabe runs as, each valid against its Kubernetes schema, all in namespace freigabe', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/freigabe',
      'Namespace/freigabe',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/freigabe',
      'NetworkPolicy/freigabe-redis',
      'PodDisruptionBudget/freigabe',
      'Service/freigabe',
      'Service/freigabe-redis',
      'ServiceAccount/freigabe',
      'StatefulSet/freigabe-redis',
    ]);
    for (const o of objects) {
      expect(schemaProblem(o), `${o.kind}/${o.metadata.name}`).toBeUndefined();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('freigabe');
    }
    expect(one('Namespace', 'freigabe').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('every pod meets the restricted Pod Security Standard; the checker finds a violation when there is one', () => {
    for (const [kind, name] of [['Deployment', 'freigabe'], ['StatefulSet', 'freigabe-redis']] as const) {
      expect(restrictedViolations(one(kind, name).spec.template.spec), `${kind}/${name}`).toEqual([]);
    }
    const broken = structuredClone(one('Deployment', 'freigabe').spec.template.spec);
    delete broken.containers[0].securityContext.allowPrivilegeEscalation;
    broken.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] };
    broken.volumes.push({ name: 'host', hostPath: { path: '/' } });
    expect(restrictedViolations(broken)).toEqual([
      'volume host: hostPath',
      'container freigabe: allowPrivilegeEscalation must be false',
      'container freigabe: capabilities must drop ALL',
      'container freigabe: adds SYS_ADMIN',
    ]);
  });
});

describe('the freigabe Deployment', () => {
  const deployment = one('Deployment', 'freigabe');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e: Obj) => [e.name, e]));

  test('two replicas, rolled without a gap, probes on /healthz and /readyz of the app port', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(env.PORT.value).toBe('3000');
    expect(env.HOST.value).toBe('0.0.0.0');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // /readyz bounds each check at 3 s (src/ops/operations.ts PROBE_TIMEOUT_MS): the kubelet waits longer.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(3);
    expect(container.image).toMatch(/^freigabe:/);
  });

  test('the app key, webhook secret and Redis password only by Secret reference; REDIS_URL names the Redis Service', () => {
    for (const name of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'REDIS_PASSWORD']) {
      expect(env[name], name).toEqual({ name, valueFrom: { secretKeyRef: { name: 'freigabe', key: name } } });
    }
    const redis = one('Service', 'freigabe-redis');
    const url = new URL(env.REDIS_URL.value.replace('$(REDIS_PASSWORD)', 'x'));
    expect(url.hostname).toBe(redis.metadata.name);
    expect(Number(url.port)).toBe(redis.spec.ports[0].port);
    // The password comes from the variable defined before it (Kubernetes expands only earlier ones).
    expect(container.env.findIndex((e: Obj) => e.name === 'REDIS_PASSWORD')).toBeLessThan(container.env.findIndex((e: Obj) => e.name === 'REDIS_URL'));
  });

  test('the grace period covers the shutdown delay and bound', () => {
    const seconds = Number(env.FREIGABE_SHUTDOWN_DELAY_SECONDS.value) + Number(env.FREIGABE_SHUTDOWN_TIMEOUT_SECONDS.value);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(seconds);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('Service and PodDisruptionBudget select exactly the app pods; the budget keeps one of two', () => {
    const labels = deployment.spec.template.metadata.labels;
    const service = one('Service', 'freigabe');
    expect(matches(service.spec.selector, labels)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const pdb = one('PodDisruptionBudget', 'freigabe');
    expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
    expect(pdb.spec.minAvailable).toBe(1);
    const redisLabels = one('StatefulSet', 'freigabe-redis').spec.template.metadata.labels;
    expect(matches(service.spec.selector, redisLabels)).toBe(false);
    expect(matches(pdb.spec.selector.matchLabels, redisLabels)).toBe(false);
  });
});

describe('Redis', () => {
  const sts = one('StatefulSet', 'freigabe-redis');

  test('its Service selects it; no eviction (BullMQ would lose jobs); data on a volume', () => {
    expect(matches(one('Service', 'freigabe-redis').spec.selector, sts.spec.template.metadata.labels)).toBe(true);
    const command = sts.spec.template.spec.containers[0].command.join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--appendonly yes/);
    expect(command).not.toMatch(/\$\(REDIS_PASSWORD\)/);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
  });

  test('its command, run by sh against the local redis-server: the password (quotes and all) is required, nothing evicts', async () => {
    const [shell, flag, script] = sts.spec.template.spec.containers[0].command as string[];
    expect([shell, flag]).toEqual(['sh', '-c']);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'freigabe-redis-'));
    const password = 'pa"ss\\word';
    // Only where it listens and writes differs from the pod.
    const local = `${script!.replace('--dir /data', `--dir ${dir}`)} --port ${port} --bind 127.0.0.1`;
    const child = spawn('sh', ['-c', local], { env: { PATH: process.env.PATH, REDIS_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const up = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => ((out += b.toString()), /Ready to accept connections/.test(out) && resolve()));
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
    const clients: Redis[] = [];
    try {
      await up;
      const anonymous = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
      anonymous.on('error', () => {});
      const authed = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0 });
      clients.push(anonymous, authed);
      await anonymous.connect();
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      await authed.connect();
      expect(await authed.ping()).toBe('PONG');
      expect(await authed.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await authed.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    } finally {
      for (const c of clients) c.disconnect();
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('network policies', () => {
  const app = one('Deployment', 'freigabe').spec.template.metadata.labels;
  const redis = one('StatefulSet', 'freigabe-redis').spec.template.metadata.labels;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

  test('everything is denied unless allowed', () => {
    const deny = one('NetworkPolicy', 'default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the app takes connections only on port 3000, only from the ingress controller and the metrics scraper', () => {
    const rules = policies.filter((p) => matches(p.spec.podSelector.matchLabels ?? {}, app)).flatMap((p) => p.spec.ingress ?? []);
    expect(rules).toHaveLength(1);
    expect(rules[0].ports).toEqual([{ port: 3000, protocol: 'TCP' }]);
    expect(rules[0].from.map((f: Obj) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['ingress-nginx', 'monitoring']);
  });

  test('Redis takes connections only from the app pods, on 6379, and connects nowhere', () => {
    const own = policies.filter((p) => p.spec.podSelector.matchLabels && matches(p.spec.podSelector.matchLabels, redis));
    const ingress = own.flatMap((p) => p.spec.ingress ?? []);
    expect(ingress).toEqual([{ from: [{ podSelector: { matchLabels: app } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    expect(own.flatMap((p) => p.spec.egress ?? [])).toEqual([]);
    expect(own.every((p) => p.spec.policyTypes.includes('Egress'))).toBe(true);
  });
});
