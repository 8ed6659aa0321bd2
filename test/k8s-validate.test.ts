/**
 * The published models really check what they are given: each kind's validator accepts a
 * rendered object and rejects the same object with one field of the wrong type. (The Gateway API
 * models of @kubernetes-models/gateway-api 0.5.1 are built on an older base whose validate()
 * silently checks nothing when called on a plain object — this test keeps such a trap out.)
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { load, CORE_SCHEMA } from 'js-yaml';
import { BOOTSTRAP_KINDS, WORKLOAD_KINDS, checkObject } from '../src/core/k8s-validate.js';
import { GOLDEN } from './fixtures/render/golden.js';
import { readTree } from './fixtures/render/load.js';

const basic = readTree(join(GOLDEN, 'basic'));
const doc = (path: string) => load(basic[path], { schema: CORE_SCHEMA }) as any;

const route = () => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'web', namespace: 'wohngeld-produktion' },
  spec: {
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
    hostnames: ['wohngeld.berlin.example'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 8080 }] }],
  },
});

describe('published models of the bootstrap kinds and routes', () => {
  const cases: [string, () => any, (o: any) => void, boolean][] = [
    ['ApplicationSet', () => doc('produktion/_bootstrap/argocd-applicationset.yaml'), (o) => (o.spec.generators = { git: {} }), true],
    ['GitRepository', () => doc('produktion/_bootstrap/flux-gitrepository.yaml'), (o) => (o.spec.interval = 60), true],
    ['Kustomization', () => doc('produktion/_bootstrap/flux-kustomization.yaml'), (o) => (o.spec.prune = 'yes'), true],
    ['HTTPRoute', route, (o) => (o.spec.rules[0].backendRefs[0].port = 'app'), false],
    ['HTTPRoute', route, (o) => (o.spec.hostnames = ['Not_A_Host']), false],
  ];
  test.each(cases)('%s: a rendered object passes, one wrong field fails with the schema message', (kind, make, spoil, bootstrap) => {
    const scope = bootstrap ? { kinds: BOOTSTRAP_KINDS } : { kinds: WORKLOAD_KINDS, namespace: 'wohngeld-produktion' };
    const good = make();
    expect(good.kind).toBe(kind);
    expect(checkObject(good, scope)).toBeUndefined();
    const bad = make();
    spoil(bad);
    const problem = checkObject(bad, scope);
    expect(problem).toMatchObject({ code: 'render-invalid-object', kind });
    expect((problem as { reason: string }).reason).toMatch(/^data\/spec\//);
  });

  test('the installed packages hold exactly the versions the templates emit', () => {
    expect(BOOTSTRAP_KINDS.ApplicationSet.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(BOOTSTRAP_KINDS.GitRepository.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(BOOTSTRAP_KINDS.Kustomization.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(WORKLOAD_KINDS.HTTPRoute.apiVersion).toBe('gateway.networking.k8s.io/v1');
    // A bootstrap kind is not allowed in a Fachverfahren directory, nor the other way round.
    expect(checkObject(doc('produktion/_bootstrap/flux-kustomization.yaml'), { kinds: WORKLOAD_KINDS, namespace: 'flux-system' })).toMatchObject({ code: 'render-kind-not-allowed' });
    expect(checkObject(route(), { kinds: BOOTSTRAP_KINDS })).toMatchObject({ code: 'render-kind-not-allowed' });
  });
});
