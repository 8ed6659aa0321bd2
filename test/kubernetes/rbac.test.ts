/**
 * The RBAC example the README ships for the status reader: it builds with `kubectl kustomize`,
 * every object is valid RBAC (kubernetes-models), and it grants exactly read access (get, list,
 * watch) on the resources the reader watches — nothing more, nothing less.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { expect, test } from 'vitest';
import { DEFAULT_NAMESPACE } from '../../src/kubernetes/cluster-config.js';
import { RESOURCES } from '../../src/kubernetes/cluster-watch.js';

const KUBECTL = existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';
const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'status-rbac');

test('deploy/status-rbac builds, is valid RBAC and grants only get/list/watch on what the reader watches', () => {
  const out = execFileSync(KUBECTL, ['kustomize', DIR], { encoding: 'utf8' });
  const docs = loadAll(out, { schema: CORE_SCHEMA }) as any[];
  const roles = docs.filter((d) => d.kind === 'Role');
  const bindings = docs.filter((d) => d.kind === 'RoleBinding');
  expect(roles.length + bindings.length).toBe(docs.length);
  for (const r of roles) expect(() => new Role(r).validate()).not.toThrow();
  for (const b of bindings) expect(() => new RoleBinding(b).validate()).not.toThrow();

  const grants = roles.flatMap((r) => r.rules.flatMap((rule: any) => rule.apiGroups.flatMap((g: string) => rule.resources.map((res: string) => `${r.metadata.namespace}:${g}/${res}:${[...rule.verbs].sort().join(',')}`))));
  const expected = (Object.keys(RESOURCES) as (keyof typeof RESOURCES)[]).map((agent) => `${DEFAULT_NAMESPACE[agent]}:${RESOURCES[agent].group}/${RESOURCES[agent].plural}:get,list,watch`);
  expect(grants.sort()).toEqual(expected.sort());
  for (const b of bindings) {
    const role = roles.find((r) => r.metadata.name === b.roleRef.name && r.metadata.namespace === b.metadata.namespace);
    expect(role, `${b.metadata.namespace}/${b.metadata.name} binds an existing Role`).toBeDefined();
  }
});
