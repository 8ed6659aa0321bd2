/**
 * Booking and Verfahren values that try to break out of their YAML scalar: each must come out as
 * exactly the same string, in exactly the intended objects and keys, read by an independent
 * parser (js-yaml, not the renderer's own fast path).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadAll, CORE_SCHEMA } from 'js-yaml';
import { renderEstate } from '../src/core/render.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';
import { HOSTILE_VALUES } from './fixtures/render/hostile.js';


const basicFiles = readTree(join(FIXTURES, 'basic'));

/** The wohngeld produktion booking, as JSON (valid YAML) so any string can be written exactly. */
function booking(env: Record<string, string | number | boolean>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'freigabe/v1',
    kind: 'Booking',
    metadata: { name: 'wohngeld', stage: 'produktion' },
    spec: {
      components: [
        {
          name: 'web',
          image: 'registry.itdz.example/wohngeld/web:1.0_rc-1.2@sha256:4f1c5e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e',
          size: 'M',
          replicas: 2,
          port: 8080,
          ingress: { host: 'xn--wohngeld-mitte-2ob.berlin.example', path: '/a~b/c.d_e-f/' },
          env,
          secretRefs: ['wohngeld-web'],
          ...extra,
        },
      ],
    },
  });
}

function verfahren(title: string): string {
  return JSON.stringify({
    apiVersion: 'freigabe/v1',
    kind: 'Verfahren',
    metadata: { name: 'wohngeld' },
    spec: { title, tenant: 'bezirksamt-mitte', verfahrensverantwortliche: ['m-schulz'], schutzbedarf: 'hoch' },
  });
}

function render(env: Record<string, string | number | boolean>, title: string) {
  const estate = estateFrom({
    ...basicFiles,
    'environments/verfahren/wohngeld/produktion.yaml': booking(env),
    'environments/verfahren/wohngeld/verfahren.yaml': verfahren(title),
  });
  return renderEstate({ estate, stages: ['produktion'] });
}

function docs(text: string): any[] {
  return loadAll(text, { schema: CORE_SCHEMA });
}

/** Every key path in a value (array indices included), to compare shapes. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [`${prefix}[${value.length}]`, ...value.flatMap((v, i) => shape(v, `${prefix}/${i}`))];
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${prefix}/${k}`, ...shape(v, `${prefix}/${k}`)]);
  return [];
}

describe('hostile values stay values', () => {
  const env = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`VAR_${String(i).padStart(2, '0')}`, v]));
  // Keys the schema allows that mean something to YAML 1.1 or to JavaScript objects.
  Object.assign(env, { on: 'yes', NULL: '~', Y: 'n', __proto__x: 'p', constructor: 'c', toString: 't', hasOwnProperty: 'h' });
  Object.defineProperty(env, '__proto__', { value: 'proto', enumerable: true, configurable: true, writable: true });
  const title = 'Wohngeld\n---\nkind: Secret\t# {{ title }} "quoted": yes';
  const hostile = render(env, title);
  const benignEnv = Object.fromEntries(Object.keys(env).map((k, i) => [k, `value-${i}`]));
  const benign = render(benignEnv, 'Wohngeld-Online');

  test('renders without findings, the same files as benign values', () => {
    expect(hostile.diagnostics).toEqual([]);
    expect([...hostile.files.keys()]).toEqual([...benign.files.keys()]);
    // wohngeld is hoch: networkpolicy-allow-egress is among them.
    expect([...hostile.files.keys()].filter((p) => p.startsWith('produktion/wohngeld/')).length).toBe(12);
    expect(hostile.files.has('produktion/wohngeld/networkpolicy-allow-egress.yaml')).toBe(true);
  });

  test('every file holds exactly one document of the intended kind, with the same keys as with benign values', () => {
    for (const [path, text] of hostile.files) {
      const h = docs(text);
      const b = docs(benign.files.get(path)!);
      expect(h.length, path).toBe(1);
      expect(h[0].kind, path).toBe(b[0].kind);
      expect(h[0].metadata?.name, path).toBe(b[0].metadata?.name);
      expect(shape(h[0]), path).toEqual(shape(b[0]));
    }
  });

  test('env names and values round-trip exactly as strings, in booking order', () => {
    const deployment = docs(hostile.files.get('produktion/wohngeld/deployment-web.yaml')!)[0];
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toEqual(Object.entries(env).map(([name, value]) => ({ name, value })));
    for (const e of container.env) expect(typeof e.value).toBe('string');
    expect(container.envFrom).toEqual([{ secretRef: { name: 'wohngeld-web' } }]);
  });

  test('free-text titles, image, host and path round-trip exactly', () => {
    const ns = docs(hostile.files.get('produktion/wohngeld/namespace-wohngeld-produktion.yaml')!)[0];
    expect(ns.metadata.annotations['freigabe.io/title']).toBe(title);
    const deployment = docs(hostile.files.get('produktion/wohngeld/deployment-web.yaml')!)[0];
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      'registry.itdz.example/wohngeld/web:1.0_rc-1.2@sha256:4f1c5e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e',
    );
    const ingress = docs(hostile.files.get('produktion/wohngeld/ingress-web.yaml')!)[0];
    expect(ingress.spec.rules[0].host).toBe('xn--wohngeld-mitte-2ob.berlin.example');
    expect(ingress.spec.rules[0].http.paths[0].path).toBe('/a~b/c.d_e-f/');
  });

  test('nothing in the text can start a document, tag, anchor, alias or comment', () => {
    for (const [path, text] of hostile.files) {
      for (const line of text.split('\n')) {
        expect(line, path).not.toMatch(/^(---|\.\.\.)/);
        // The first character of a value (after a plain or quoted key, or a list dash).
        expect(line, path).not.toMatch(/^\s*(?:- )*(?:(?:[^"\s:][^:]*|"(?:[^"\\]|\\.)*"): )?(?:[!&*#|>%@`']|[{[](?!\}$|\]$))/);
      }
      expect(text, path).not.toMatch(/[\u0085\u2028\u2029\t]/);
    }
  });

  test('numbers and booleans in env become strings', () => {
    const r = render({ INT: 42, FLOAT: 0.5, BIG: 12345678901234, NEG: -1, BOOL: false }, 'T');
    const c = docs(r.files.get('produktion/wohngeld/deployment-web.yaml')!)[0].spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: 'INT', value: '42' },
      { name: 'FLOAT', value: '0.5' },
      { name: 'BIG', value: '12345678901234' },
      { name: 'NEG', value: '-1' },
      { name: 'BOOL', value: 'false' },
    ]);
  });

  test('control characters and Unicode line separators, which kustomize cannot carry, refuse the directory with a finding on the component', () => {
    const refused = ['bell\u0007', 'del\u007f', 'bom\ufeff', 'nul\u0000', 'c1\u0090', 'lone \ud800 surrogate', 'next\u0085line', 'para\u2028graph', 'para\u2029graph'];
    for (const value of refused) {
      const r = render({ OK: 'fine', BAD: value }, 'T');
      expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.path, d.params.kind]), JSON.stringify(value)).toEqual([
        ['render-invalid-object', 'environments/verfahren/wohngeld/produktion.yaml', 1, '/spec/components/0', 'Deployment'],
      ]);
      expect(r.files.has('produktion/wohngeld/kustomization.yaml')).toBe(false);
      expect(r.files.has('produktion/kustomization.yaml')).toBe(true);
    }
    // Printable text beyond the BMP is fine.
    expect(render({ OK: 'emoji 🚀' }, 'T').diagnostics).toEqual([]);
  });
});

describe('egress destinations and routes: booking values stay values', () => {
  // Every string the schemas let through that YAML 1.1 or JSON would read as something else.
  const TRICKY = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false', 'null', 'nan', 'inf', '1e3', '0x1f', '0o17', '012', '1_000', '0', '-1'];
  const trickyLabels = (prefix: string) => Object.fromEntries(TRICKY.slice(0, 10).map((v, i) => [i % 2 ? `${prefix}.example/${v}` : v, TRICKY[(i + 7) % TRICKY.length].replace(/^-/, 'm')]));
  const platform = basicFiles['environments/platform.yaml'].replace(
    '  stages:\n',
    `  network:\n    traffic:\n      gateway: { name: "1e3", namespace: "null", sectionName: "yes" }\n    egress: {}\n  stages:\n`,
  );

  function renderWith(egress: unknown[], host: string, path: string) {
    const b = JSON.parse(booking({ LOG_LEVEL: 'info' }));
    b.spec.egress = egress;
    b.spec.components[0].ingress = { host, path };
    const estate = estateFrom({ ...basicFiles, 'environments/platform.yaml': platform, 'environments/verfahren/wohngeld/produktion.yaml': JSON.stringify(b) });
    return renderEstate({ estate, stages: ['produktion'] });
  }

  const hostileEgress = [
    ...TRICKY.filter((v) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)).map((ns, i) => ({ namespace: ns, podLabels: trickyLabels(`p${i}`), ports: [i + 1] })),
    { cidr: '10.0.0.0/8', ports: [53], protocol: 'UDP' },
    { cidr: '::ffff:a00:0/104', ports: [1, 65535] },
  ];
  const benignEgress = hostileEgress.map((d, i) =>
    'namespace' in d ? { ...d, namespace: `ns-${i}`, podLabels: Object.fromEntries(Object.keys(d.podLabels).map((k, j) => [`key${j}`, `value${j}`])) } : { ...d, cidr: '192.168.0.0/16' },
  );
  const hostile = renderWith(hostileEgress, 'null.example', '/yes/1e3/~x');
  const benign = renderWith(benignEgress, 'wohngeld.example', '/antrag/x/y');

  test('renders without findings, the same files and object shapes as benign values', () => {
    expect(hostile.diagnostics).toEqual([]);
    expect([...hostile.files.keys()]).toEqual([...benign.files.keys()]);
    expect([...hostile.files.keys()]).toContain('produktion/wohngeld/networkpolicy-allow-egress.yaml');
    expect([...hostile.files.keys()]).toContain('produktion/wohngeld/httproute-web.yaml');
    for (const [path, text] of hostile.files) {
      const h = docs(text);
      const b = docs(benign.files.get(path)!);
      expect(h.length, path).toBe(1);
      expect(h[0].kind, path).toBe(b[0].kind);
      // Label keys from the booking are values (matchExpressions), so even they do not change the shape.
      expect(shape(h[0]), path).toEqual(shape(b[0]));
    }
  });

  test('namespaces, label keys and values, CIDRs, protocols and ports come back exactly, as strings and numbers', () => {
    const policy = docs(hostile.files.get('produktion/wohngeld/networkpolicy-allow-egress.yaml')!)[0];
    const declared = policy.spec.egress.slice(2);
    expect(declared).toHaveLength(hostileEgress.length);
    hostileEgress.forEach((d, i) => {
      const rule = declared[i];
      if ('namespace' in d) {
        const expressions = Object.entries(d.podLabels)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => ({ key, operator: 'In', values: [value] }));
        expect(rule.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': d.namespace } }, podSelector: { matchExpressions: expressions } }]);
        for (const e of rule.to[0].podSelector.matchExpressions) expect([typeof e.key, typeof e.values[0]]).toEqual(['string', 'string']);
        expect(typeof rule.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('string');
      } else {
        expect(rule.to).toEqual([{ ipBlock: { cidr: d.cidr } }]);
      }
      expect(rule.ports).toEqual(d.ports.map((port) => ({ protocol: d.protocol ?? 'TCP', port })));
    });
    const route = docs(hostile.files.get('produktion/wohngeld/httproute-web.yaml')!)[0];
    expect(route.spec.hostnames).toEqual(['null.example']);
    expect(route.spec.rules[0].matches[0].path).toEqual({ type: 'PathPrefix', value: '/yes/1e3/~x' });
    expect(route.spec.parentRefs[0]).toMatchObject({ name: '1e3', namespace: 'null', sectionName: 'yes' });
  });
});
