/**
 * plan(): base and head snapshots in, the pull request's findings, changes, Kontingent and cost
 * tables, approvals and manifest diff out — without mocks, on the minimal fixture estate.
 */
import { describe, expect, test } from 'vitest';
import { loadEstate } from '../../src/core/load.js';
import { plan, touchedScope, validation } from '../../src/core/plan.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { EstateBuilder, component, internalImage } from '../helpers/estate.js';

const TODAY = '2026-06-01';

/** minimal + a second Fachverfahren "zweites" of another tenant "bezirk", booked in vorpruefung. */
function twoTenants(): EstateBuilder {
  return EstateBuilder.minimal()
    .tenant('bezirk')
    .verfahren('zweites', (d) => {
      d.spec.tenant = 'bezirk';
    })
    .booking('zweites', 'vorpruefung', [component({ name: 'api', image: 'ghcr.io/bezirk/api:2.0.0' })]);
}

function planOf(b: EstateBuilder, change: (b: EstateBuilder) => void, labels: string[] = []) {
  const base = b.snapshot();
  change(b);
  return plan({ base, head: b.snapshot(), today: TODAY, labels });
}

describe('plan', () => {
  test('an unchanged estate: no changes, no tenants, no manifests, ok', () => {
    const b = twoTenants();
    const p = plan({ base: b.snapshot(), head: b.snapshot(), today: TODAY });
    expect(p.ok).toBe(true);
    expect(p.changes).toEqual([]);
    expect(p.kontingent).toEqual([]);
    expect(p.cost).toEqual([]);
    expect(p.manifests).toEqual([]);
    expect(p.approval.requirements).toEqual([]);
    expect(p.stages.map((s) => s.title)).toEqual(['Vorprüfung', 'Abnahme', 'Schulung', 'Produktion']);
  });

  test('a replica change: the change, Kontingent rows of its tenant only (nothing exceeded), cost delta, approval', () => {
    const p = planOf(twoTenants(), (b) =>
      b.booking('demo', 'abnahme', (d) => {
        d.spec.components[0].replicas = 2;
      }),
    );
    expect(p.ok).toBe(true);
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({ verfahren: 'demo', stage: 'abnahme', kind: 'booking' });
    expect(p.changes[0].components).toEqual([
      { name: 'web', before: expect.objectContaining({ size: 'S', replicas: 1 }), after: expect.objectContaining({ size: 'S', replicas: 2 }) },
    ]);

    // only the touched tenant "amt", every dimension, although nothing is exceeded
    expect(new Set(p.kontingent.map((r) => r.tenant))).toEqual(new Set(['amt']));
    const total = (dimension: string) => p.kontingent.find((r) => r.dimension === dimension && r.stage === null);
    // vorpruefung 1 × S + abnahme 1 × S → 2 × S: 500m each, 1Gi each, 10.00 each
    expect(total('cpu')).toEqual({ tenant: 'amt', dimension: 'cpu', stage: null, limit: '10', before: '1', after: '1500m', delta: '500m' });
    expect(total('memory')).toMatchObject({ limit: '20Gi', before: '2Gi', after: '3Gi', delta: '1Gi' });
    expect(total('storage')).toMatchObject({ before: '0', after: '0', delta: '0' });
    expect(total('budgetPerMonth')).toMatchObject({ limit: '1000.00', before: '20.00', after: '30.00', delta: '10.00' });
    expect(p.cost).toEqual([{ tenant: 'amt', before: '20.00', after: '30.00', delta: '10.00', budget: '1000.00' }]);

    expect(p.approval.satisfied).toBe(false);
    expect(p.approval.requirements).toHaveLength(1);
    expect(p.approval.requirements[0]).toMatchObject({ verfahren: 'demo', stage: 'abnahme', approvers: ['v-verantwortlich'], min: 1 });
  });

  test('the manifest diff covers only the touched Fachverfahren and shows the changed line', () => {
    const p = planOf(twoTenants(), (b) =>
      b.booking('demo', 'abnahme', (d) => {
        d.spec.components[0].replicas = 2;
      }),
    );
    expect(p.manifests.length).toBeGreaterThan(0);
    // nothing of the untouched Fachverfahren "zweites", nothing of other stages
    for (const m of p.manifests) expect(m.path).toMatch(/^abnahme\/demo\//);
    for (const m of p.manifests.filter((x) => x.status === 'modified')) expect(m.diff.startsWith(`--- a/${m.path}\n+++ b/${m.path}\n@@ `)).toBe(true);
    // a second replica brings a PodDisruptionBudget
    expect(p.manifests.find((m) => /poddisruptionbudget/i.test(m.path))?.status).toBe('added');
    const deployment = p.manifests.find((m) => /deployment/i.test(m.path));
    expect(deployment?.status).toBe('modified');
    expect(deployment?.diff).toMatch(/^-\s+replicas: 1$/m);
    expect(deployment?.diff).toMatch(/^\+\s+replicas: 2$/m);
  });

  test('a new Fachverfahren: every rendered file is added, its tenant reported', () => {
    const p = planOf(twoTenants(), (b) =>
      b
        .verfahren('neu', (d) => {
          d.spec.tenant = 'bezirk';
        })
        .booking('neu', 'vorpruefung', [component({ name: 'web', image: 'ghcr.io/bezirk/neu:1.0.0' })]),
    );
    expect(p.changes.some((c) => c.verfahren === 'neu' && c.kind === 'created')).toBe(true);
    expect(p.manifests.length).toBeGreaterThan(0);
    // the Fachverfahren's own files are new; the stage's kustomization.yaml gains the directory
    const own = p.manifests.filter((m) => m.path.startsWith('vorpruefung/neu/'));
    expect(own.length).toBeGreaterThan(3);
    expect(own.every((m) => m.status === 'added')).toBe(true);
    expect(p.manifests.filter((m) => !own.includes(m)).map((m) => m.path)).toEqual(['vorpruefung/kustomization.yaml'].filter((x) => p.manifests.some((m) => m.path === x)));
    expect(own[0].diff).toMatch(/^--- \/dev\/null\n\+\+\+ b\/vorpruefung\/neu\/.*\n@@ -0,0 \+1,\d+ @@\n\+/);
    expect(new Set(p.kontingent.map((r) => r.tenant))).toEqual(new Set(['bezirk']));
    expect(p.cost).toEqual([{ tenant: 'bezirk', before: '10.00', after: '20.00', delta: '10.00', budget: '1000.00' }]);
  });

  test('a deleted booking: its files are removed in the diff', () => {
    const p = planOf(twoTenants(), (b) => b.remove('verfahren/demo/abnahme.yaml'));
    expect(p.changes.some((c) => c.verfahren === 'demo' && c.stage === 'abnahme' && c.kind === 'deleted')).toBe(true);
    expect(p.manifests.length).toBeGreaterThan(0);
    const own = p.manifests.filter((m) => m.path.startsWith('abnahme/demo/'));
    expect(own.length).toBeGreaterThan(3);
    expect(own.every((m) => m.status === 'removed')).toBe(true);
    expect(p.manifests.every((m) => m.path.startsWith('abnahme/'))).toBe(true);
    expect(own[0].diff).toMatch(/^--- a\/abnahme\/demo\/.*\n\+\+\+ \/dev\/null\n@@ -1,\d+ \+0,0 @@\n-/);
  });

  test('an error in the head makes the plan not ok, also in a file the pull request did not touch', () => {
    const b = twoTenants().booking('zweites', 'vorpruefung', (d) => {
      d.spec.components[0].size = 'XXL';
    });
    const p = planOf(b, (x) =>
      x.booking('demo', 'abnahme', (d) => {
        d.spec.components[0].replicas = 2;
      }),
    );
    expect(p.ok).toBe(false);
    const finding = p.findings.find((d) => d.code === 'unknown-size');
    expect(finding).toMatchObject({ severity: 'error', file: 'environments/verfahren/zweites/vorpruefung.yaml', line: b.lineOf('verfahren/zweites/vorpruefung.yaml', 'size: XXL') });
  });

  test('a Kontingent exceeded by the change is an error finding and shows in the table', () => {
    const p = planOf(twoTenants(), (b) =>
      b.booking('demo', 'abnahme', (d) => {
        d.spec.components[0].replicas = 40;
      }),
    );
    expect(p.ok).toBe(false);
    expect(p.findings.map((d) => d.code)).toContain('kontingent-exceeded');
    const cpu = p.kontingent.find((r) => r.dimension === 'cpu' && r.stage === null)!;
    expect(cpu).toMatchObject({ limit: '10', before: '1', after: '20500m', delta: '19500m' });
  });

  test('a tenant file change touches every Fachverfahren of that tenant and no other', () => {
    const b = twoTenants();
    const base = b.snapshot();
    b.tenant('bezirk', (d) => {
      d.spec.kontingent.cpu = '12';
    });
    const head = b.snapshot();
    const scope = touchedScope({ base: loadEstate({ snapshot: base }).value, head: loadEstate({ snapshot: head }).value, baseSnapshot: base, headSnapshot: head });
    expect(scope).toEqual({ all: false, verfahren: new Set(['zweites']), tenants: ['bezirk'] });
    const p = plan({ base, head, today: TODAY });
    expect(p.kontingent.find((r) => r.dimension === 'cpu' && r.stage === null)).toMatchObject({ tenant: 'bezirk', limit: '12', delta: '0' });
  });

  test('a platform change (prices) touches every tenant and Fachverfahren', () => {
    const p = planOf(twoTenants(), (b) =>
      b.platform((d) => {
        d.spec.sizes.S.pricePerMonth = '12.50';
      }),
    );
    expect(p.cost).toEqual([
      { tenant: 'amt', before: '20.00', after: '25.00', delta: '5.00', budget: '1000.00' },
      { tenant: 'bezirk', before: '10.00', after: '12.50', delta: '2.50', budget: '1000.00' },
    ]);
    expect(p.approval.requirements.some((r) => r.verfahren === null)).toBe(true);
  });

  test('an image promotion into Produktion that skipped Schulung is a stage-order error', () => {
    const p = planOf(twoTenants(), (b) => b.booking('demo', 'produktion', [component({ name: 'web', image: internalImage('demo/web', '9.9.9') })]));
    expect(p.ok).toBe(false);
    expect(p.findings.find((d) => d.code === 'stage-order')).toMatchObject({ file: 'environments/verfahren/demo/produktion.yaml' });
  });

  test('with reviews, the approval is decided: the VV approving the head commit satisfies it', () => {
    const b = twoTenants();
    const base = b.snapshot();
    b.booking('demo', 'abnahme', (d) => {
      d.spec.components[0].replicas = 2;
    });
    const headSha = 'a'.repeat(40);
    const review = (login: string, sha = headSha) => ({ user: { login, type: 'User' }, state: 'APPROVED', commit_id: sha, submitted_at: '2026-06-01T10:00:00Z' });
    const decided = (reviews: ReturnType<typeof review>[]) =>
      plan({ base, head: b.snapshot(), today: TODAY, manifests: false, review: { author: 'entwickler', headSha, reviews } });
    expect(decided([review('v-verantwortlich')]).approval.satisfied).toBe(true);
    expect(decided([review('v-verantwortlich', 'b'.repeat(40))]).approval.satisfied).toBe(false);
    expect(decided([review('jemand')]).approval.satisfied).toBe(false);
    expect(decided([review('v-verantwortlich')]).manifests).toEqual([]);
  });

  test('files equal in base and head are parsed once: the head reuses the base documents', () => {
    // Same bytes, different array objects (as from two directory reads): still reused.
    const b = twoTenants();
    const base = b.snapshot();
    const copy = snapshotOf(new Map([...base.files].map(([k, v]) => [k, new Uint8Array(v)])));
    const p = plan({ base, head: copy, today: TODAY });
    expect(p.changes).toEqual([]);
    expect(p.manifests).toEqual([]);
  });
});

describe('validation', () => {
  test('one state: findings and every tenant’s usage (before = after, delta 0)', () => {
    const v = validation({ snapshot: twoTenants().snapshot(), today: TODAY });
    expect(v.ok).toBe(true);
    expect(new Set(v.kontingent.map((r) => r.tenant))).toEqual(new Set(['amt', 'bezirk']));
    for (const r of v.kontingent) {
      expect(r.before).toBe(r.after);
      expect(r.delta).toMatch(/^0(\.00)?$/);
    }
    expect(v.cost.find((r) => r.tenant === 'amt')).toEqual({ tenant: 'amt', before: '20.00', after: '20.00', delta: '0.00', budget: '1000.00' });
  });
});
