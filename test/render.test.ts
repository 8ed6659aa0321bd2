import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { load, CORE_SCHEMA } from 'js-yaml';
import { renderEstate, PLACEHOLDER_REPO_URL } from '../src/core/render.js';
import { checkObject, WORKLOAD_KINDS } from '../src/core/k8s-validate.js';
import { compileTemplate, TemplateError } from '../src/core/render-templates.js';
import { builtinTemplates } from '../src/core/generated/builtin-templates.js';
import { loadEstate } from '../src/core/load.js';
import { snapshotOf } from '../src/core/snapshot.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';
import { expectGolden } from './fixtures/render/golden.js';
import { validateEstate } from '../src/core/validate.js';
import { hasErrors } from '../src/core/diagnostics.js';

const basicFiles = readTree(join(FIXTURES, 'basic'));
const basic = () => estateFrom(basicFiles);
const obj = (text: string | undefined) => {
  expect(text, 'file is rendered').toBeDefined();
  return load(text!, { schema: CORE_SCHEMA }) as any;
};

describe('rendering the basic fixture', () => {
  const result = renderEstate({ estate: basic() });

  test('has no findings and matches the golden files byte for byte', () => {
    expect(result.diagnostics).toEqual([]);
    expectGolden('basic', result.files);
  });

  test('writes one directory per Fachverfahren and stage, a stage kustomization and the bootstrap objects', () => {
    const dirs = [...result.files.keys()].map((p) => p.split('/').slice(0, -1).join('/'));
    expect([...new Set(dirs)].sort()).toEqual([
      'produktion',
      'produktion/_bootstrap',
      'produktion/wohngeld',
      'vorpruefung',
      'vorpruefung/_bootstrap',
      'vorpruefung/meldewesen',
      'vorpruefung/wohngeld',
    ]);
    expect([...result.files.keys()].filter((p) => p.startsWith('vorpruefung/meldewesen/'))).toEqual([
      'vorpruefung/meldewesen/kustomization.yaml',
      'vorpruefung/meldewesen/limitrange-freigabe-defaults.yaml',
      'vorpruefung/meldewesen/namespace-meldewesen-vorpruefung.yaml',
      'vorpruefung/meldewesen/networkpolicy-default-deny.yaml',
      'vorpruefung/meldewesen/poddisruptionbudget-worker.yaml',
      'vorpruefung/meldewesen/resourcequota-freigabe-booking.yaml',
      'vorpruefung/meldewesen/serviceaccount-workload.yaml',
      'vorpruefung/meldewesen/statefulset-worker.yaml',
    ]);
    expect(obj(result.files.get('vorpruefung/kustomization.yaml')).resources).toEqual(['meldewesen', 'wohngeld']);
    expect(obj(result.files.get('produktion/kustomization.yaml')).resources).toEqual(['wohngeld']);
    const k = obj(result.files.get('produktion/wohngeld/kustomization.yaml'));
    const siblings = [...result.files.keys()].filter((p) => p.startsWith('produktion/wohngeld/') && !p.endsWith('/kustomization.yaml'));
    expect(k.resources).toEqual(siblings.map((p) => p.split('/').pop()));
  });

  test('every object file holds one allowed, valid object whose file name is <kind>-<name>', () => {
    for (const [path, text] of result.files) {
      const [, dir, file] = path.split('/');
      if (file === undefined || dir === '_bootstrap' || file === 'kustomization.yaml') continue;
      const o = obj(text);
      expect(checkObject(o, { kinds: WORKLOAD_KINDS, namespace: `${dir}-${path.split('/')[0]}` }), path).toBeUndefined();
      expect(file).toBe(`${o.kind.toLowerCase()}-${o.metadata.name}.yaml`);
    }
  });

  test('the namespace carries tenant, Verfahren, stage, Schutzbedarf and enforces restricted pods', () => {
    const ns = obj(result.files.get('produktion/wohngeld/namespace-wohngeld-produktion.yaml'));
    expect(ns.metadata.name).toBe('wohngeld-produktion');
    expect(ns.metadata.labels).toMatchObject({
      'freigabe.io/tenant': 'bezirksamt-mitte',
      'freigabe.io/verfahren': 'wohngeld',
      'freigabe.io/stage': 'produktion',
      'freigabe.io/schutzbedarf': 'hoch',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  test('the ResourceQuota equals the booked amounts exactly', () => {
    // web: 2 × M (1 CPU, 2Gi); db: 1 × L (2 CPU, 4Gi) with 50Gi encrypted.
    expect(obj(result.files.get('produktion/wohngeld/resourcequota-freigabe-booking.yaml')).spec.hard).toEqual({
      'requests.cpu': '4',
      'limits.cpu': '4',
      'requests.memory': '8Gi',
      'limits.memory': '8Gi',
      'requests.storage': '50Gi',
      'encrypted.storageclass.storage.k8s.io/requests.storage': '50Gi',
      persistentvolumeclaims: '1',
      pods: '3',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    // worker: 3 × S (250m, 512Mi), each replica with 1.5Gi standard + 10Gi encrypted.
    expect(obj(result.files.get('vorpruefung/meldewesen/resourcequota-freigabe-booking.yaml')).spec.hard).toMatchObject({
      'requests.cpu': '750m',
      'limits.memory': '1536Mi',
      'requests.storage': '35328Mi', // 3 × 11.5Gi
      'standard.storageclass.storage.k8s.io/requests.storage': '4608Mi',
      'encrypted.storageclass.storage.k8s.io/requests.storage': '30Gi',
      persistentvolumeclaims: '6',
      pods: '3',
    });
  });

  test('pods meet the restricted Pod Security Standard with requests equal to limits', () => {
    const workloads = [...result.files.entries()].filter(([p]) => /\/(deployment|statefulset)-/.test(p)).map(([, t]) => obj(t));
    expect(workloads.length).toBe(4);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
        expect(c.resources.requests).toEqual(c.resources.limits);
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    }
  });

  test('a component with volumes is a StatefulSet with claim templates; others are Deployments', () => {
    const db = obj(result.files.get('produktion/wohngeld/statefulset-db.yaml'));
    expect(db.spec.volumeClaimTemplates.map((v: any) => [v.metadata.name, v.spec.storageClassName, v.spec.resources.requests.storage])).toEqual([['data', 'encrypted', '50Gi']]);
    expect(db.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(db.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '4Gi' });
    const web = obj(result.files.get('produktion/wohngeld/deployment-web.yaml'));
    expect(web.spec.replicas).toBe(2);
    const c = web.spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'MAX_UPLOAD_MB', value: '20' },
      { name: 'FEATURE_X', value: 'true' },
    ]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'wohngeld-web' } }]);
    expect(web.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'wohngeld-produktion',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/part-of': 'wohngeld',
      'app.kubernetes.io/managed-by': 'freigabe',
    });
  });

  test('Service only with a port, Ingress with TLS and class, PDB only with more than one replica', () => {
    expect(result.files.has('produktion/wohngeld/service-db.yaml')).toBe(true);
    expect(result.files.has('vorpruefung/meldewesen/service-worker.yaml')).toBe(false);
    const ing = obj(result.files.get('vorpruefung/wohngeld/ingress-web.yaml'));
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['wohngeld.test.berlin.example'], secretName: 'web-tls' }]);
    expect(ing.spec.rules[0].http.paths[0].path).toBe('/antrag');
    expect(result.files.has('produktion/wohngeld/ingress-db.yaml')).toBe(false);
    expect(result.files.has('produktion/wohngeld/poddisruptionbudget-web.yaml')).toBe(true);
    expect(result.files.has('produktion/wohngeld/poddisruptionbudget-db.yaml')).toBe(false);
    expect(result.files.has('vorpruefung/wohngeld/poddisruptionbudget-web.yaml')).toBe(false);
  });

  test('network policies: default deny (egress too for Schutzbedarf hoch), plus ingress to ported components from the namespace and the ingress controller', () => {
    // wohngeld is hoch: egress is denied by default without any network settings; meldewesen (normal) keeps it open.
    const deny = obj(result.files.get('produktion/wohngeld/networkpolicy-default-deny.yaml'));
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(obj(result.files.get('vorpruefung/meldewesen/networkpolicy-default-deny.yaml')).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const allow = obj(result.files.get('produktion/wohngeld/networkpolicy-allow-ingress.yaml'));
    expect(allow.spec.podSelector.matchExpressions[0].values).toEqual(['db', 'web']);
    expect(allow.spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    // No port, nothing to allow.
    expect(result.files.has('vorpruefung/meldewesen/networkpolicy-allow-ingress.yaml')).toBe(false);
  });

  test('bootstrap: an ApplicationSet over the rendered branch and a Flux source + Kustomization per stage', () => {
    const appset = obj(result.files.get('produktion/_bootstrap/argocd-applicationset.yaml'));
    expect(appset.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(appset.spec.generators[0].git).toEqual({
      repoURL: PLACEHOLDER_REPO_URL,
      revision: 'rendered/produktion',
      directories: [{ path: '*' }, { path: '_bootstrap', exclude: true }],
    });
    expect(appset.spec.template.spec.destination).toEqual({ server: 'https://caas-prod.itdz.example:6443', namespace: '{{.path.basename}}-produktion' });
    expect(appset.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const repo = obj(result.files.get('vorpruefung/_bootstrap/flux-gitrepository.yaml'));
    expect(repo.spec).toMatchObject({ url: PLACEHOLDER_REPO_URL, ref: { branch: 'rendered/vorpruefung' } });
    const ks = obj(result.files.get('vorpruefung/_bootstrap/flux-kustomization.yaml'));
    expect(ks.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(ks.spec).toMatchObject({ path: './', prune: true, sourceRef: { kind: 'GitRepository', name: repo.metadata.name } });
  });
});

describe('rendering the example estate in environments/', () => {
  test('validates, renders without findings and matches test/golden/example byte for byte', () => {
    const tree = readTree(join(import.meta.dirname, '..', 'environments'));
    const estate = estateFrom(Object.fromEntries(Object.entries(tree).map(([p, t]) => [`environments/${p}`, t])));
    expect(hasErrors(validateEstate({ estate, today: '2026-01-01' }))).toBe(false);
    const result = renderEstate({ estate });
    expect(result.diagnostics).toEqual([]);
    expect(result.files.size).toBeGreaterThan(100);
    expectGolden('example', result.files);
  });
});

describe('render parameters and settings', () => {
  test('repoURL, branch prefix and a deploy repository reach the bootstrap objects', () => {
    const withUrl = renderEstate({ estate: basic(), repoURL: 'https://github.com/itdz/rendered.git', stages: ['produktion'] });
    expect(obj(withUrl.files.get('produktion/_bootstrap/flux-gitrepository.yaml')).spec.url).toBe('https://github.com/itdz/rendered.git');
    const prefixed = renderEstate({ estate: estateFrom({ ...basicFiles, '.github/freigabe.yml': 'output:\n  branchPrefix: deploy/\n' }) });
    expect(obj(prefixed.files.get('produktion/_bootstrap/argocd-applicationset.yaml')).spec.generators[0].git.revision).toBe('deploy/produktion');
    const repo = renderEstate({ estate: estateFrom({ ...basicFiles, '.github/freigabe.yml': 'output:\n  repository: itdz/deploy\n' }) });
    const git = obj(repo.files.get('produktion/_bootstrap/argocd-applicationset.yaml')).spec.generators[0].git;
    expect(git).toEqual({ repoURL: 'https://github.com/itdz/deploy.git', revision: 'main', directories: [{ path: 'produktion/*' }, { path: 'produktion/_bootstrap', exclude: true }] });
    expect(obj(repo.files.get('produktion/_bootstrap/flux-kustomization.yaml')).spec.path).toBe('./produktion/');
    // output.branch names the deploy repository's branch for Argo CD and Flux alike
    const branch = renderEstate({ estate: estateFrom({ ...basicFiles, '.github/freigabe.yml': 'output:\n  repository: itdz/deploy\n  branch: release\n' }) });
    expect(obj(branch.files.get('produktion/_bootstrap/argocd-applicationset.yaml')).spec.generators[0].git.revision).toBe('release');
    expect(obj(branch.files.get('produktion/_bootstrap/flux-gitrepository.yaml')).spec.ref).toEqual({ branch: 'release' });
  });

  test('stages and verfahren restrict what is rendered; the stage kustomization and bootstrap stay complete', () => {
    const r = renderEstate({ estate: basic(), stages: ['vorpruefung'], verfahren: new Set(['meldewesen']) });
    expect(r.diagnostics).toEqual([]);
    const paths = [...r.files.keys()];
    expect(paths.some((p) => p.startsWith('produktion/'))).toBe(false);
    expect(paths.some((p) => p.startsWith('vorpruefung/wohngeld/'))).toBe(false);
    expect(paths).toContain('vorpruefung/meldewesen/kustomization.yaml');
    expect(paths).toContain('vorpruefung/_bootstrap/argocd-applicationset.yaml');
    expect(obj(r.files.get('vorpruefung/kustomization.yaml')).resources).toEqual(['meldewesen', 'wohngeld']);
    // The restricted render gives the same bytes as the full one for what it renders.
    const full = renderEstate({ estate: basic() });
    for (const [p, t] of r.files) expect(t, p).toBe(full.files.get(p));
  });

  test('only well-formed input is rendered: a missing verfahren.yaml, an unknown stage or size skip silently', () => {
    const files = { ...basicFiles };
    delete files['environments/verfahren/meldewesen/verfahren.yaml'];
    files['environments/verfahren/wohngeld/schulung.yaml'] = basicFiles['environments/verfahren/wohngeld/vorpruefung.yaml'].replace('stage: vorpruefung', 'stage: schulung');
    files['environments/verfahren/wohngeld/vorpruefung.yaml'] = basicFiles['environments/verfahren/wohngeld/vorpruefung.yaml'].replace('size: S', 'size: XXL');
    // Validation reports these problems; the loader still keeps the documents, so render must cope.
    const { value, diagnostics } = loadEstate({ snapshot: snapshotOf(files) });
    expect(diagnostics.map((d) => d.code)).toEqual(['booking-without-verfahren']);
    const r = renderEstate({ estate: value });
    expect(r.diagnostics).toEqual([]);
    const dirs = [...new Set([...r.files.keys()].map((p) => p.split('/').slice(0, 2).join('/')))].sort();
    expect(dirs).toEqual(['produktion/_bootstrap', 'produktion/kustomization.yaml', 'produktion/wohngeld', 'vorpruefung/_bootstrap', 'vorpruefung/kustomization.yaml']);
    expect(obj(r.files.get('vorpruefung/kustomization.yaml')).resources).toEqual([]);
  });

  test('a namespace name over 63 characters is refused with a finding on the booking', () => {
    // The schemas keep names short enough; render still refuses to emit an invalid name if they change.
    const estate = basic();
    const long = 'a'.repeat(55);
    const entry = estate.verfahren.get('meldewesen')!;
    const doc = { ...entry.doc!, data: { ...entry.doc!.data, metadata: { name: long } } };
    const patched = { ...estate, verfahren: new Map([...estate.verfahren, [long, { ...entry, name: long, doc }]]) };
    const r = renderEstate({ estate: patched });
    expect(r.diagnostics.map((d) => [d.code, d.file, d.params.kind])).toEqual([['render-invalid-object', 'environments/verfahren/meldewesen/vorpruefung.yaml', 'Namespace']]);
    expect([...r.files.keys()].some((p) => p.includes(long))).toBe(false);
    expect(r.files.has('vorpruefung/meldewesen/kustomization.yaml')).toBe(true);
  });

  test('a component with a port whose name starts with a digit cannot have a Service', () => {
    const files = { ...basicFiles, 'environments/verfahren/wohngeld/vorpruefung.yaml': basicFiles['environments/verfahren/wohngeld/vorpruefung.yaml'].replace('- name: web', '- name: 9web') };
    const r = renderEstate({ estate: estateFrom(files) });
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.params.kind, d.params.name])).toEqual([
      ['render-invalid-object', 'environments/verfahren/wohngeld/vorpruefung.yaml', 6, 'Service', '9web'],
    ]);
    expect(r.files.has('vorpruefung/wohngeld/kustomization.yaml')).toBe(false);
  });

  test('a volume may not take the scratch volume name or /tmp', () => {
    const files = { ...basicFiles, 'environments/verfahren/meldewesen/vorpruefung.yaml': basicFiles['environments/verfahren/meldewesen/vorpruefung.yaml'].replace('mountPath: /spool', 'mountPath: /tmp') };
    const r = renderEstate({ estate: estateFrom(files) });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([['render-invalid-object', 11, '/spec/components/0/volumes/0']]);
    expect(r.files.has('vorpruefung/meldewesen/kustomization.yaml')).toBe(false);
  });
});

describe('determinism', () => {
  test('two renders, and renders of differently ordered snapshots, are byte-identical', () => {
    const a = renderEstate({ estate: basic() });
    const b = renderEstate({ estate: basic() });
    const reversed = Object.fromEntries(Object.entries(basicFiles).reverse());
    const c = renderEstate({ estate: estateFrom(reversed) });
    for (const other of [b, c]) {
      expect([...other.files.keys()]).toEqual([...a.files.keys()]);
      for (const [p, t] of a.files) expect(other.files.get(p), p).toBe(t);
    }
    // Sorted keys, and nothing that looks like a clock.
    for (const t of a.files.values()) expect(t).not.toMatch(/20\d\d-\d\d-\d\dT|creationTimestamp/);
  });
});

describe('templates', () => {
  test('every built-in template compiles under the encoding rules', () => {
    expect(Object.keys(builtinTemplates).length).toBe(15);
    for (const [name, text] of Object.entries(builtinTemplates)) expect(compileTemplate(text), name).not.toBeInstanceOf(TemplateError);
  });

  test('templates/*.hbs contain no bare or raw mustache: every value goes through {{yaml …}}', () => {
    const dir = join(import.meta.dirname, '..', 'templates');
    const allowed = /^\{\{(?:yaml |#if |#unless |#each |#with |\/if\}\}|\/unless\}\}|\/each\}\}|\/with\}\}|else\}\}|!--)/;
    let mustaches = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\{\{!--[\s\S]*?--\}\}/g, '{{!--');
      expect(text, file).not.toContain('{{{');
      for (const m of text.matchAll(/\{\{[^}]*\}?\}?/g)) {
        mustaches++;
        expect(m[0], `${file}: ${m[0]}`).toMatch(allowed);
      }
    }
    expect(mustaches).toBeGreaterThan(100);
  });
});

