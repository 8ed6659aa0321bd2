/**
 * The rendered tree is what Argo CD and Flux build: run the real `kubectl kustomize` on every
 * Fachverfahren directory and on every stage root, and read its output (Go's YAML parser) back.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadAll, CORE_SCHEMA } from 'js-yaml';
import { renderEstate } from '../src/core/render.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';
import { HOSTILE_VALUES } from './fixtures/render/hostile.js';
import { BOOTSTRAP_KINDS, WORKLOAD_KINDS, checkObject } from '../src/core/k8s-validate.js';

const KUBECTL = existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';
const temp = mkdtempSync(join(tmpdir(), 'freigabe-kustomize-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function writeTree(name: string, files: ReadonlyMap<string, string>): string {
  const root = join(temp, name);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function kustomize(dir: string): any[] {
  let out: string;
  try {
    out = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`kubectl kustomize ${dir} failed: ${String((e as { stderr?: unknown }).stderr ?? e)}`);
  }
  return loadAll(out, { schema: CORE_SCHEMA }).filter((d) => d !== null);
}

/** Builds every directory of a rendered tree and checks the object counts. */
function buildAll(name: string, files: ReadonlyMap<string, string>): Map<string, any[]> {
  const root = writeTree(name, files);
  const built = new Map<string, any[]>();
  const dirs = [...new Set([...files.keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => dirname(p)))].sort();
  expect(dirs.length).toBeGreaterThan(0);
  for (const dir of dirs.filter((d) => d.includes('/'))) {
    const objects = kustomize(join(root, dir));
    const fileCount = [...files.keys()].filter((p) => dirname(p) === dir && !p.endsWith('/kustomization.yaml')).length;
    expect(objects.length, dir).toBe(fileCount);
    built.set(dir, objects);
  }
  for (const stage of dirs.filter((d) => !d.includes('/'))) {
    const objects = kustomize(join(root, stage));
    const expected = [...built.entries()].filter(([d]) => d.startsWith(`${stage}/`)).reduce((n, [, o]) => n + o.length, 0);
    expect(objects.length, stage).toBe(expected);
    // The stage root never reaches the bootstrap objects.
    expect(objects.some((o) => ['ApplicationSet', 'GitRepository', 'Kustomization'].includes(o.kind)), stage).toBe(false);
    built.set(stage, objects);
  }
  return built;
}

describe('kubectl kustomize builds every rendered directory', () => {
  test('the basic fixture', () => {
    const r = renderEstate({ estate: estateFrom(readTree(join(FIXTURES, 'basic'))) });
    const built = buildAll('basic', r.files);
    expect([...built.keys()]).toEqual(['produktion/wohngeld', 'vorpruefung/meldewesen', 'vorpruefung/wohngeld', 'produktion', 'vorpruefung']);
    expect(built.get('produktion')!.length).toBe(13);
    // Without network settings wohngeld (hoch) is default-deny for egress, meldewesen (normal) is not.
    const policies = (dir: string) => built.get(dir)!.filter((o) => o.kind === 'NetworkPolicy');
    for (const dir of ['produktion/wohngeld', 'vorpruefung/wohngeld']) {
      expect(policies(dir).map((o) => o.metadata.name).sort(), dir).toEqual(['allow-egress', 'allow-ingress', 'default-deny']);
      expect(policies(dir).find((o) => o.metadata.name === 'default-deny').spec.policyTypes, dir).toEqual(['Ingress', 'Egress']);
    }
    expect(policies('vorpruefung/meldewesen').map((o) => [o.metadata.name, o.spec.policyTypes])).toEqual([['default-deny', ['Ingress']]]);
  });

  // What kustomize built (Go's YAML, read back) is still valid for the published model of its kind.
  test.each(['basic', 'traffic-gateway', 'traffic-ingress-class', 'egress-restricted', 'rollout-surge-headroom'])('the %s fixture, validated against the published models after the build', (name) => {
    const r = renderEstate({ estate: estateFrom(readTree(join(FIXTURES, name))) });
    expect(r.diagnostics).toEqual([]);
    const built = buildAll(name, r.files);
    const kinds = new Set<string>();
    for (const [dir, objects] of built) {
      if (!dir.includes('/')) continue;
      for (const o of objects) {
        kinds.add(o.kind);
        expect(checkObject(o, { kinds: WORKLOAD_KINDS, namespace: `${dir.split('/')[1]}-${dir.split('/')[0]}` }), `${dir} ${o.kind}/${o.metadata.name}`).toBeUndefined();
      }
    }
    if (name === 'traffic-gateway') expect(kinds.has('HTTPRoute') && !kinds.has('Ingress')).toBe(true);
    if (name === 'egress-restricted') expect(built.get('produktion/wohngeld')!.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['allow-egress', 'allow-ingress', 'default-deny']);
    // The bootstrap objects are plain YAML files (not built), checked against the Argo CD and Flux models.
    for (const [path, text] of r.files) {
      if (!path.includes('/_bootstrap/')) continue;
      expect(checkObject(loadAll(text, { schema: CORE_SCHEMA })[0], { kinds: BOOTSTRAP_KINDS }), path).toBeUndefined();
    }
  });

  test('the injection case: Go reads back exactly the intended strings', () => {
    const env = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`VAR_${i}`, v]));
    const files = readTree(join(FIXTURES, 'basic'));
    const booking = JSON.parse(JSON.stringify(loadAll(files['environments/verfahren/wohngeld/produktion.yaml'], { schema: CORE_SCHEMA })[0]));
    booking.spec.components[0].env = env;
    const r = renderEstate({
      estate: estateFrom({ ...files, 'environments/verfahren/wohngeld/produktion.yaml': JSON.stringify(booking) }),
      stages: ['produktion'],
    });
    expect(r.diagnostics).toEqual([]);
    const built = buildAll('injection', r.files);
    const deployment = built.get('produktion/wohngeld')!.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].env).toEqual(Object.entries(env).map(([name, value]) => ({ name, value })));
  });

  test('egress label values YAML 1.1 would read as booleans, numbers or null: Go reads back the strings', () => {
    const files = readTree(join(FIXTURES, 'egress-restricted'));
    const values = ['yes', 'no', 'on', 'off', 'true', 'null', '012', '1e3', '0x1f', '1_000'];
    const labels = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
    const path = 'environments/verfahren/wohngeld/produktion.yaml';
    files[path] = files[path].replace('podLabels: { app.kubernetes.io/name: api }', `podLabels: ${JSON.stringify(labels)}`);
    const r = renderEstate({ estate: estateFrom(files), stages: ['produktion'] });
    expect(r.diagnostics).toEqual([]);
    const policy = buildAll('egress-labels', r.files).get('produktion/wohngeld')!.find((o) => o.metadata.name === 'allow-egress');
    const read = policy.spec.egress.at(-1).to[0].podSelector.matchExpressions.map((e: any) => [e.key, e.values[0]]);
    expect(Object.fromEntries(read)).toEqual(labels);
    for (const [k, v] of read) expect([typeof k, typeof v]).toEqual(['string', 'string']);
  });

  test('a stage without any Fachverfahren builds to nothing', () => {
    const files = readTree(join(FIXTURES, 'basic'));
    delete files['environments/verfahren/wohngeld/produktion.yaml'];
    const r = renderEstate({ estate: estateFrom(files), stages: ['produktion'] });
    expect(r.files.get('produktion/kustomization.yaml')).toContain('resources: []');
    expect(kustomize(writeTree('empty', r.files) + '/produktion')).toEqual([]);
  });

  test('the example estate', () => {
    const files = Object.fromEntries(Object.entries(readTree(join(import.meta.dirname, '..', 'environments'))).map(([p, t]) => [`environments/${p}`, t]));
    const r = renderEstate({ estate: estateFrom(files) });
    expect(r.diagnostics).toEqual([]);
    const built = buildAll('example', r.files);
    expect(built.size).toBeGreaterThan(10);
  });
});
