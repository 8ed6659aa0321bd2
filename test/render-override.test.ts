/** Platform template overrides (templates/<name>.hbs in the estate repository). */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { load, CORE_SCHEMA } from 'js-yaml';
import { renderEstate } from '../src/core/render.js';
import { builtinTemplates } from '../src/core/generated/builtin-templates.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';

const basicFiles = readTree(join(FIXTURES, 'basic'));
const plain = renderEstate({ estate: estateFrom(basicFiles) });

function withOverride(name: string, text: string) {
  return renderEstate({ estate: estateFrom({ ...basicFiles, [`templates/${name}`]: text }) });
}

const summary = (r: ReturnType<typeof renderEstate>) => r.diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line }));
const workloadDirs = (r: ReturnType<typeof renderEstate>) => [...r.files.keys()].filter((p) => /^[a-z]+\/[a-z]+\/kustomization\.yaml$/.test(p) && !p.includes('_bootstrap'));

describe('a valid override', () => {
  test('replaces the built-in template of the same name and changes only its objects', () => {
    const text = builtinTemplates['namespace.yaml.hbs'].replace(
      '  annotations:\n',
      '  annotations:\n    itdz.example/kostenstelle: {{yaml verfahren.tenant}}\n',
    );
    expect(text).not.toBe(builtinTemplates['namespace.yaml.hbs']);
    const r = withOverride('namespace.yaml.hbs', text);
    expect(r.diagnostics).toEqual([]);
    const ns = load(r.files.get('produktion/wohngeld/namespace-wohngeld-produktion.yaml')!, { schema: CORE_SCHEMA }) as any;
    expect(ns.metadata.annotations['itdz.example/kostenstelle']).toBe('bezirksamt-mitte');
    const changed = [...r.files.keys()].filter((p) => r.files.get(p) !== plain.files.get(p));
    expect(changed).toEqual(['produktion/wohngeld/namespace-wohngeld-produktion.yaml', 'vorpruefung/meldewesen/namespace-meldewesen-vorpruefung.yaml', 'vorpruefung/wohngeld/namespace-wohngeld-vorpruefung.yaml']);
  });

  test('may drop an optional value with {{#if}}', () => {
    const text = builtinTemplates['serviceaccount.yaml.hbs'].replace('automountServiceAccountToken: false\n', '{{#if verfahren.title}}\nautomountServiceAccountToken: false\n{{/if}}\n');
    expect(withOverride('serviceaccount.yaml.hbs', text).diagnostics).toEqual([]);
  });
});

describe('a broken override gives template-error with its file and line, never a crash', () => {
  const cases: [string, string, number][] = [
    // Handlebars notices only at the end of the text.
    ['unclosed block', 'apiVersion: v1\nkind: Service\n{{#if component.port}}\nspec: {}\n', 5],
    ['mismatched block', 'a: 1\nb: 2\n{{#if x}}\n{{/each}}\n', 3],
    ['unterminated mustache', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{yaml component.name\n', 4],
    ['bare mustache', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{component.name}}\n', 4],
    ['raw triple-stash', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{{component.name}}}\n', 4],
    ['partial', 'apiVersion: v1\n\n{{> labels}}\n', 3],
    ['unknown helper', 'apiVersion: v1\nmetadata:\n  name: {{lookup component "name"}}\n', 3],
    ['unknown block helper', 'apiVersion: v1\n{{#blockHelperMissing x}}{{/blockHelperMissing}}\n', 2],
    ['yaml with two values', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{yaml component.name namespace}}\n', 4],
    ['missing field', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{yaml component.nmae}}\n', 4],
    ['object where a scalar belongs', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{yaml component}}\n', 4],
    ['prototype access', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{yaml component.constructor}}\n', 4],
    ['output that is not YAML', 'apiVersion: v1\nkind: Service\nmetadata: [unclosed\n', 1],
    ['two documents', 'apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Service\n', 1],
    ['no document', '{{!-- nothing --}}\n', 1],
    ['binary garbage', '\u0000\u0001\uFFFD{{\u0000', 1],
  ];
  for (const [name, text, line] of cases) {
    test(name, () => {
      const r = withOverride('service.yaml.hbs', text);
      expect(summary(r)).toEqual([{ code: 'template-error', file: 'templates/service.yaml.hbs', line }]);
      expect(r.diagnostics[0].params.template).toBe('service.yaml.hbs');
      expect(String(r.diagnostics[0].params.reason).length).toBeGreaterThan(5);
      // Every directory with a Service is left out whole; the others are untouched.
      expect(workloadDirs(r)).toEqual(['vorpruefung/meldewesen/kustomization.yaml']);
      expect(r.files.get('vorpruefung/meldewesen/statefulset-worker.yaml')).toBe(plain.files.get('vorpruefung/meldewesen/statefulset-worker.yaml'));
    });
  }
});

describe('an override may only emit allowed, valid objects', () => {
  test('a forbidden kind gives render-kind-not-allowed on the override', () => {
    const r = withOverride(
      'serviceaccount.yaml.hbs',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {{yaml namespace}}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: workload\n    namespace: {{yaml namespace}}\n',
    );
    expect(summary(r)).toEqual([{ code: 'render-kind-not-allowed', file: 'templates/serviceaccount.yaml.hbs', line: 1 }]);
    expect(r.diagnostics[0].params.kind).toBe('ClusterRoleBinding');
    expect(workloadDirs(r)).toEqual([]);
    expect([...r.files.values()].some((t) => t.includes('ClusterRoleBinding'))).toBe(false);
  });

  test('an invalid Deployment gives render-invalid-object', () => {
    const text = builtinTemplates['workload.yaml.hbs'].replace('  replicas: {{yaml component.replicas}}\n', '  replicas: {{yaml component.name}}\n');
    const r = withOverride('workload.yaml.hbs', text);
    // One finding per kind and reason, not one per directory.
    expect(summary(r)).toEqual([
      { code: 'render-invalid-object', file: 'templates/workload.yaml.hbs', line: 1 },
      { code: 'render-invalid-object', file: 'templates/workload.yaml.hbs', line: 1 },
    ]);
    expect(r.diagnostics.map((d) => d.params.kind)).toEqual(['StatefulSet', 'Deployment']);
    expect(String(r.diagnostics[0].params.reason)).toMatch(/replicas/);
  });

  test('a Deployment without selector, and a workload in another namespace, are refused', () => {
    const noSelector = builtinTemplates['workload.yaml.hbs'].replace(/  selector:\n    matchLabels:\n.*\n.*\n/, '');
    const r1 = withOverride('workload.yaml.hbs', noSelector);
    expect(r1.diagnostics.map((d) => [d.code, d.params.kind])).toEqual([['render-invalid-object', 'StatefulSet'], ['render-invalid-object', 'Deployment']]);
    expect(String(r1.diagnostics[0].params.reason)).toMatch(/selector/);
    const elsewhere = builtinTemplates['service.yaml.hbs'].replace('  namespace: {{yaml namespace}}\n', '  namespace: kube-system\n');
    const r2 = withOverride('service.yaml.hbs', elsewhere);
    expect(summary(r2)).toEqual([{ code: 'render-invalid-object', file: 'templates/service.yaml.hbs', line: 1 }]);
    expect(String(r2.diagnostics[0].params.reason)).toMatch(/namespace/);
  });

  test('bootstrap templates have their own allow-list', () => {
    const r = withOverride('flux-gitrepository.yaml.hbs', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: flux-system\n');
    expect(summary(r)).toEqual([{ code: 'render-kind-not-allowed', file: 'templates/flux-gitrepository.yaml.hbs', line: 1 }]);
    expect(r.files.has('produktion/_bootstrap/flux-gitrepository.yaml')).toBe(false);
    expect(r.files.has('produktion/_bootstrap/flux-kustomization.yaml')).toBe(true);
    expect(workloadDirs(r).length).toBe(3);
  });

  test('an override with the built-in text renders byte-identical output', () => {
    const r = withOverride('workload.yaml.hbs', builtinTemplates['workload.yaml.hbs']);
    expect(r.diagnostics).toEqual([]);
    expect([...r.files.entries()]).toEqual([...plain.files.entries()]);
  });
});
