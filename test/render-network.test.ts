/**
 * Traffic, egress and rollouts as platform.yaml configures them: golden renders of one fixture
 * per case (both traffic modes, egress restricted, surge headroom), next to the basic fixture
 * that shows the defaults (Ingress class nginx from ingress-nginx, default-deny egress for
 * Schutzbedarf hoch and open for normal, no surge).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { load, CORE_SCHEMA } from 'js-yaml';
import { renderEstate } from '../src/core/render.js';
import { builtinTemplates } from '../src/core/generated/builtin-templates.js';
import { validateEstate } from '../src/core/validate.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';
import { expectGolden } from './fixtures/render/golden.js';
import { plan, validation } from '../src/core/plan.js';
import { snapshotOf } from '../src/core/snapshot.js';
import { formatPlanText } from '../src/report/text.js';
import { formatPlanMarkdown } from '../src/report/markdown.js';
import { planToJson, validationToJson } from '../src/report/json.js';

export const NETWORK_CASES = ['traffic-gateway', 'traffic-ingress-class', 'egress-restricted', 'rollout-surge-headroom'] as const;

const files = (name: string) => readTree(join(FIXTURES, name));
const render = (name: string) => renderEstate({ estate: estateFrom(files(name)) });
const obj = (text: string | undefined) => {
  expect(text, 'file is rendered').toBeDefined();
  return load(text!, { schema: CORE_SCHEMA }) as any;
};

describe.each(NETWORK_CASES)('the %s fixture', (name) => {
  test('validates with no other findings than the basic fixture, renders without findings and matches its golden files byte for byte', () => {
    const estate = estateFrom(files(name));
    // The basic fixture places wohngeld (hoch) in a normal Vorprüfung cluster; the case adds nothing.
    expect(validateEstate({ estate, today: '2026-01-01' })).toEqual(validateEstate({ estate: estateFrom(files('basic')), today: '2026-01-01' }));
    const result = renderEstate({ estate });
    expect(result.diagnostics).toEqual([]);
    expectGolden(name, result.files);
  });
});

describe('traffic', () => {
  test('gateway mode: an HTTPRoute per component with a host, attached to the platform Gateway; no Ingress', () => {
    const r = render('traffic-gateway');
    expect([...r.files.keys()].filter((p) => /\/ingress-/.test(p))).toEqual([]);
    const vor = obj(r.files.get('vorpruefung/wohngeld/httproute-web.yaml'));
    expect(vor.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system' }],
      hostnames: ['wohngeld.test.berlin.example'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/antrag' } }], backendRefs: [{ name: 'web', port: 8080 }] }],
    });
    // Produktion names a listener and where the proxies run.
    const prod = obj(r.files.get('produktion/wohngeld/httproute-web.yaml'));
    expect(prod.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https-produktion' }]);
    expect(r.files.has('produktion/wohngeld/httproute-db.yaml')).toBe(false);
  });

  test('the NetworkPolicy admits exactly the configured gateway proxies or controller pods', () => {
    const fromPeer = (r: ReturnType<typeof render>, path: string) => obj(r.files.get(path)).spec.ingress[1];
    const gw = render('traffic-gateway');
    expect(fromPeer(gw, 'vorpruefung/wohngeld/networkpolicy-allow-ingress.yaml')).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(fromPeer(gw, 'produktion/wohngeld/networkpolicy-allow-ingress.yaml').from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchExpressions: [{ key: 'gateway.envoyproxy.io/owning-gateway-name', operator: 'In', values: ['public'] }] },
      },
    ]);
    const traefik = render('traffic-ingress-class');
    expect(obj(traefik.files.get('produktion/wohngeld/ingress-web.yaml')).spec.ingressClassName).toBe('traefik');
    expect(fromPeer(traefik, 'produktion/wohngeld/networkpolicy-allow-ingress.yaml').from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['traefik'] }] } },
    ]);
    // A stage's own traffic replaces the platform's.
    expect(obj(traefik.files.get('vorpruefung/wohngeld/ingress-web.yaml')).spec.ingressClassName).toBe('nginx-intern');
    expect(fromPeer(traefik, 'vorpruefung/wohngeld/networkpolicy-allow-ingress.yaml').from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-intern' } } }]);
  });

  test('a template override written for earlier versions (ingressController.*) renders the same as the built-in', () => {
    const f = files('traffic-ingress-class');
    const builtin = renderEstate({ estate: estateFrom(f) });
    const old = (name: string, from: string, to: string) => builtinTemplates[name].replace(from, to);
    f['templates/ingress.yaml.hbs'] = old('ingress.yaml.hbs', 'traffic.ingress.className', 'ingressController.className');
    f['templates/networkpolicy-allow-ingress.yaml.hbs'] = old('networkpolicy-allow-ingress.yaml.hbs', 'kubernetes.io/metadata.name: {{yaml traffic.peer.namespace}}', 'kubernetes.io/metadata.name: {{yaml ingressController.namespace}}').replace(
      /\{\{#if traffic\.peer\.podLabels\.length\}\}[\s\S]*?\{\{\/each\}\}\n\{\{\/if\}\}\n/,
      '',
    );
    expect(f['templates/networkpolicy-allow-ingress.yaml.hbs']).not.toMatch(/\{\{[#/]?[a-z]* ?traffic/);
    expect(f['templates/ingress.yaml.hbs']).toContain('ingressController.className');
    const overridden = renderEstate({ estate: estateFrom(f) });
    expect(overridden.diagnostics).toEqual([]);
    expect(obj(overridden.files.get('produktion/wohngeld/ingress-web.yaml')).spec.ingressClassName).toBe('traefik');
    // The old policy template knows no podLabels: it admits the whole controller namespace.
    expect(obj(overridden.files.get('produktion/wohngeld/networkpolicy-allow-ingress.yaml')).spec.ingress[1].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }]);
    for (const [p, t] of builtin.files) if (!p.endsWith('networkpolicy-allow-ingress.yaml')) expect(overridden.files.get(p), p).toBe(t);
  });

  test('without network settings: Ingress class nginx, admitted from ingress-nginx (the output of earlier versions)', () => {
    const r = render('basic');
    expect(obj(r.files.get('produktion/wohngeld/ingress-web.yaml')).spec.ingressClassName).toBe('nginx');
    expect(obj(r.files.get('produktion/wohngeld/networkpolicy-allow-ingress.yaml')).spec.ingress[1].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
  });
});

describe('egress', () => {
  const r = render('egress-restricted');

  test('Schutzbedarf hoch: default-deny egress, then DNS, the own namespace, the platform, stage and booking destinations', () => {
    expect(obj(r.files.get('produktion/wohngeld/networkpolicy-default-deny.yaml')).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const allow = obj(r.files.get('produktion/wohngeld/networkpolicy-allow-egress.yaml'));
    expect(allow.spec.podSelector).toEqual({});
    expect(allow.spec.policyTypes).toEqual(['Egress']);
    expect(allow.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['coredns'] }] } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { to: [{ podSelector: {} }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['otel-collector'] }] } }],
        ports: [{ protocol: 'TCP', port: 4317 }],
      },
      { to: [{ ipBlock: { cidr: '10.10.0.0/16' } }], ports: [{ protocol: 'UDP', port: 123 }] },
      { to: [{ ipBlock: { cidr: '2001:db8:10::/48' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.20.30.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 6432 }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'zahlungsverkehr-produktion' } }, podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['api'] }] } }],
        ports: [{ protocol: 'TCP', port: 8443 }],
      },
    ]);
    // The stage's destinations are the Produktion stage's only.
    const vor = obj(r.files.get('vorpruefung/wohngeld/networkpolicy-allow-egress.yaml'));
    expect(vor.spec.egress.map((e: any) => e.to[0].ipBlock?.cidr ?? e.to[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] ?? 'own')).toEqual(['kube-system', 'own', 'monitoring', '10.10.0.0/16']);
  });

  test('Schutzbedarf normal stays open unless the platform restricts it', () => {
    expect(r.files.has('vorpruefung/meldewesen/networkpolicy-allow-egress.yaml')).toBe(false);
    expect(obj(r.files.get('vorpruefung/meldewesen/networkpolicy-default-deny.yaml')).spec.policyTypes).toEqual(['Ingress']);
    const f = files('egress-restricted');
    f['environments/platform.yaml'] = f['environments/platform.yaml'].replace('    egress:\n', '    egress:\n      normal: restricted\n');
    const restricted = renderEstate({ estate: estateFrom(f) });
    expect(obj(restricted.files.get('vorpruefung/meldewesen/networkpolicy-default-deny.yaml')).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(restricted.files.has('vorpruefung/meldewesen/networkpolicy-allow-egress.yaml')).toBe(true);
  });

  test('without network.egress: hoch and sehr-hoch are default-deny with DNS (schema default) and the own namespace; normal stays open', () => {
    const policyTypes = (r: ReturnType<typeof render>, dir: string) => obj(r.files.get(`${dir}/networkpolicy-default-deny.yaml`)).spec.policyTypes;
    const basic = render('basic');
    expect(basic.diagnostics).toEqual([]);
    const onlyDnsAndNamespace = [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { to: [{ podSelector: {} }] },
    ];
    // wohngeld is hoch, meldewesen normal; the platform says nothing about network.
    expect(files('basic')['environments/platform.yaml']).not.toContain('network');
    for (const stage of ['vorpruefung', 'produktion']) {
      expect(policyTypes(basic, `${stage}/wohngeld`)).toEqual(['Ingress', 'Egress']);
      expect(obj(basic.files.get(`${stage}/wohngeld/networkpolicy-allow-egress.yaml`)).spec.egress).toEqual(onlyDnsAndNamespace);
    }
    expect(policyTypes(basic, 'vorpruefung/meldewesen')).toEqual(['Ingress']);
    expect([...basic.files.keys()].filter((p) => p.includes('allow-egress')).sort()).toEqual(['produktion/wohngeld/networkpolicy-allow-egress.yaml', 'vorpruefung/wohngeld/networkpolicy-allow-egress.yaml']);
    // sehr-hoch likewise.
    const f = files('basic');
    f['environments/verfahren/meldewesen/verfahren.yaml'] = f['environments/verfahren/meldewesen/verfahren.yaml'].replace('schutzbedarf: normal', 'schutzbedarf: sehr-hoch');
    const sehrHoch = renderEstate({ estate: estateFrom(f) });
    expect(policyTypes(sehrHoch, 'vorpruefung/meldewesen')).toEqual(['Ingress', 'Egress']);
    expect(obj(sehrHoch.files.get('vorpruefung/meldewesen/networkpolicy-allow-egress.yaml')).spec.egress).toEqual(onlyDnsAndNamespace);
    // normal: restricted, with nothing else under network.egress, restricts normal too.
    const g = files('basic');
    g['environments/platform.yaml'] = g['environments/platform.yaml'].replace('  stages:\n', '  network: { egress: { normal: restricted } }\n  stages:\n');
    const normal = renderEstate({ estate: estateFrom(g) });
    expect(normal.diagnostics).toEqual([]);
    expect(policyTypes(normal, 'vorpruefung/meldewesen')).toEqual(['Ingress', 'Egress']);
    expect(obj(normal.files.get('vorpruefung/meldewesen/networkpolicy-allow-egress.yaml')).spec.egress).toEqual(onlyDnsAndNamespace);
  });
});

describe('rollout', () => {
  test('surge headroom: the quota has room for one pod of the largest Deployment, named in annotations; Deployments surge', () => {
    const r = render('rollout-surge-headroom');
    const quota = obj(r.files.get('produktion/wohngeld/resourcequota-freigabe-booking.yaml'));
    // web: 2 × M, db: 1 × L StatefulSet (cannot surge) → booked 4 CPU / 8Gi / 3 pods, plus one M pod.
    expect(quota.spec.hard).toMatchObject({ 'requests.cpu': '5', 'limits.cpu': '5', 'requests.memory': '10Gi', 'limits.memory': '10Gi', pods: '4' });
    expect(quota.metadata.annotations).toEqual({ 'freigabe.io/surge-headroom-cpu': '1', 'freigabe.io/surge-headroom-memory': '2Gi', 'freigabe.io/surge-headroom-pods': '1' });
    const web = obj(r.files.get('vorpruefung/wohngeld/deployment-web.yaml'));
    expect(web.spec.replicas).toBe(1);
    expect(web.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    // A namespace with StatefulSets only has nothing to surge: its quota equals the booking.
    const melde = obj(r.files.get('vorpruefung/meldewesen/resourcequota-freigabe-booking.yaml'));
    expect(melde.metadata.annotations).toBeUndefined();
    expect(melde.spec.hard.pods).toBe('3');
  });

  test('without rollout settings a Deployment removes a pod before adding one and the quota equals the booking', () => {
    const r = render('basic');
    expect(obj(r.files.get('vorpruefung/wohngeld/deployment-web.yaml')).spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(obj(r.files.get('produktion/wohngeld/resourcequota-freigabe-booking.yaml')).metadata.annotations).toBeUndefined();
  });
});

describe('surge headroom in the plan: beside the Kontingent, not in it', () => {
  const opted = plan({ base: snapshotOf(files('basic')), head: snapshotOf(files('rollout-surge-headroom')), today: '2026-01-01', manifests: false });

  test('the Kontingent and cost do not change when the platform opts in; the headroom rows say what is reserved', () => {
    const same = plan({ base: snapshotOf(files('basic')), head: snapshotOf(files('basic')), today: '2026-01-01', manifests: false });
    expect(same.surgeHeadroom).toEqual([]);
    // platform.yaml changed, so every tenant is touched; its sums stay as they were.
    expect(opted.kontingent.length).toBeGreaterThan(0);
    for (const r of opted.kontingent) expect(r.after, `${r.tenant} ${r.dimension}`).toBe(r.before);
    for (const r of opted.cost) expect(r.after).toBe(r.before);
    // vorpruefung: wohngeld web 1 × S (meldewesen has StatefulSets only); produktion: wohngeld web M.
    expect(opted.surgeHeadroom).toEqual([
      { tenant: 'bezirksamt-mitte', stage: 'vorpruefung', dimension: 'cpu', before: '0', after: '250m', delta: '250m' },
      { tenant: 'bezirksamt-mitte', stage: 'vorpruefung', dimension: 'memory', before: '0', after: '512Mi', delta: '512Mi' },
      { tenant: 'bezirksamt-mitte', stage: 'vorpruefung', dimension: 'pods', before: '0', after: '1', delta: '1' },
      { tenant: 'bezirksamt-mitte', stage: 'produktion', dimension: 'cpu', before: '0', after: '1', delta: '1' },
      { tenant: 'bezirksamt-mitte', stage: 'produktion', dimension: 'memory', before: '0', after: '2Gi', delta: '2Gi' },
      { tenant: 'bezirksamt-mitte', stage: 'produktion', dimension: 'pods', before: '0', after: '1', delta: '1' },
    ]);
  });

  test('text, Markdown and JSON show it as a reserve outside the Kontingent; without opt-in they show nothing of it', () => {
    const text = formatPlanText(opted, { locale: 'de' });
    expect(text).toContain('Reserve für Rollouts (Surge)');
    expect(text).toContain('zählt nicht zum Kontingent und wird nicht berechnet');
    expect(formatPlanMarkdown(opted, { locale: 'en' })).toContain('#### Rollout reserve (surge)');
    expect(planToJson(opted, 'de').surgeHeadroom).toHaveLength(6);
    const plain = plan({ base: snapshotOf(files('basic')), head: snapshotOf(files('basic')), today: '2026-01-01', manifests: false });
    expect(formatPlanText(plain, { locale: 'de' })).not.toContain('Surge');
    expect('surgeHeadroom' in planToJson(plain, 'de')).toBe(false);
    const state = validation({ snapshot: snapshotOf(files('rollout-surge-headroom')), today: '2026-01-01' });
    expect(validationToJson(state, 'en').surgeHeadroom?.map((r) => r.after)).toEqual(['250m', '512Mi', '1', '1', '2Gi', '1']);
  });
});
