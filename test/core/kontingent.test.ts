import { findingMessage } from '../../src/i18n/findings.js';
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { costTable, kontingentTable, tenantUsage } from '../../src/core/kontingent.js';
import { loadEstate, type ParseCache } from '../../src/core/load.js';
import { formatBytes, formatCpu, formatMoney } from '../../src/core/quantity.js';
import { EstateBuilder, component } from '../helpers/estate.js';

const estateOf = (b: EstateBuilder) => loadEstate({ snapshot: b.snapshot() }).value;
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

/** demo in vorpruefung (1 × S) and abnahme (1 × S) of the minimal estate, plus `extra` in produktion. */
function withProduktion(...components: ReturnType<typeof component>[]) {
  return EstateBuilder.minimal().booking('demo', 'produktion', components);
}

describe('tenantUsage', () => {
  test('cpu and memory are replicas × size; storage and cost count every replica’s volumes', () => {
    const b = withProduktion(
      component({
        name: 'db',
        size: 'M',
        replicas: 2,
        volumes: [
          { name: 'data', size: '10Gi', class: 'standard', mountPath: '/data' },
          // 512Mi is priced as a whole GiB
          { name: 'wal', size: '512Mi', class: 'encrypted', mountPath: '/wal' },
        ],
      }),
    );
    const usage = tenantUsage(estateOf(b)).get('amt')!;
    // 2 × S (vorpruefung, abnahme) + 2 × M (produktion)
    expect(formatCpu(usage.total.cpu)).toBe('3');
    expect(formatBytes(usage.total.memory)).toBe('6Gi');
    expect(formatBytes(usage.total.storage)).toBe('21Gi');
    expect(formatBytes(usage.byStage.get('produktion')!.storage)).toBe('21Gi');
    expect(formatCpu(usage.byStage.get('abnahme')!.cpu)).toBe('500m');
    // 2 × 10.00 (S) + 2 × 20.00 (M) + 2 × (10 GiB × 0.10 + 1 GiB × 0.25)
    expect(formatMoney(usage.costCents)).toBe('62.50');
  });

  test('bookings that run nowhere do not count: unknown stage, unknown tenant', () => {
    const b = EstateBuilder.minimal()
      .booking('demo', 'staging', [component({ name: 'web', size: 'M', replicas: 5 })])
      .verfahren('fremd', (v) => {
        v.spec.tenant = 'gibt-es-nicht';
      })
      .booking('fremd', 'abnahme', [component({ name: 'web', size: 'M', replicas: 5 })]);
    const usage = tenantUsage(estateOf(b));
    expect([...usage.keys()]).toEqual(['amt']);
    expect(formatCpu(usage.get('amt')!.total.cpu)).toBe('1');
  });

  test('a tenant without bookings has zero usage', () => {
    const usage = tenantUsage(estateOf(EstateBuilder.minimal().tenant('leer'))).get('leer')!;
    expect(usage.total).toEqual({ cpu: 0n, memory: 0n, storage: 0n });
    expect(usage.costCents).toBe(0n);
  });

  test('sums stay exact over many small amounts', () => {
    const b = EstateBuilder.minimal().platform((p) => {
      p.spec.sizes.S = { cpu: '1m', memory: '1Ki', pricePerMonth: '0.01' };
    });
    for (let i = 0; i < 300; i++) b.verfahren(`v${i}`).booking(`v${i}`, 'abnahme', [component({ name: 'web', replicas: 3 })]);
    const usage = tenantUsage(estateOf(b)).get('amt')!;
    // 300 × 3 + demo's 2 replicas
    expect(usage.total.cpu).toBe(902n);
    expect(usage.total.memory).toBe(902n * 1024n);
    expect(formatMoney(usage.costCents)).toBe('9.02');
  });
});

describe('documents reused between loads (the GitHub app\'s parse cache)', () => {
  // The booking files keep their bytes, so both loads share their parsed documents; what a
  // booking contributes must still follow the platform's sizes and the Verfahren's tenant.
  test('a changed size follows the platform, a moved Fachverfahren its new tenant', () => {
    const cache: ParseCache = new Map();
    const before = EstateBuilder.minimal().tenant('bezirksamt');
    const first = loadEstate({ snapshot: before.snapshot(), cache }).value;
    expect(formatCpu(tenantUsage(first).get('amt')!.total.cpu)).toBe('1');

    const bigger = before.platform((p) => {
      p.spec.sizes.S.cpu = '2';
    });
    const second = loadEstate({ snapshot: bigger.snapshot(), cache }).value;
    expect(second.verfahren.get('demo')!.bookings.get('abnahme')!.data).toBe(first.verfahren.get('demo')!.bookings.get('abnahme')!.data);
    expect(formatCpu(tenantUsage(second).get('amt')!.total.cpu)).toBe('4');

    const moved = bigger.verfahren('demo', (v) => {
      v.spec.tenant = 'bezirksamt';
    });
    const third = loadEstate({ snapshot: moved.snapshot(), cache }).value;
    expect(third.verfahren.get('demo')!.bookings.get('abnahme')!.data).toBe(first.verfahren.get('demo')!.bookings.get('abnahme')!.data);
    expect(formatCpu(tenantUsage(third).get('amt')!.total.cpu)).toBe('0');
    expect(formatCpu(tenantUsage(third).get('bezirksamt')!.total.cpu)).toBe('4');
    expect(kontingentTable({ base: second, head: third, tenants: ['amt', 'bezirksamt'] }).filter((r) => r.dimension === 'cpu' && r.stage === null)).toEqual([
      { tenant: 'amt', dimension: 'cpu', stage: null, limit: '10', before: '4', after: '0', delta: '-4' },
      { tenant: 'bezirksamt', dimension: 'cpu', stage: null, limit: '10', before: '0', after: '4', delta: '4' },
    ]);
  });
});

describe('Kontingent findings', () => {
  test('kontingent-exceeded (cpu) on the replicas line of the largest contributor', () => {
    // 0.5 + 0.5 + 2 × 1 + 8 × 1 = 11 cores of 10
    const b = withProduktion(component({ name: 'api', size: 'M', replicas: 2 }), component({ name: 'worker', size: 'M', replicas: 8 })).tenant('amt', (t) => {
      t.spec.kontingent.memory = '64Gi';
    });
    const found = b.validate().diagnostics.filter((d) => d.code === 'kontingent-exceeded');
    expect(found).toEqual([
      {
        severity: 'error',
        code: 'kontingent-exceeded',
        file: 'environments/verfahren/demo/produktion.yaml',
        line: b.lineOf('verfahren/demo/produktion.yaml', 'replicas: 8'),
        path: '/spec/components/1/replicas',
        params: { tenant: 'amt', dimension: 'cpu', after: '11', limit: '10', tenantFile: 'environments/tenants/amt.yaml' },
      },
    ]);
  });

  test('kontingent-exceeded (memory) and near limit (cpu) at the same time', () => {
    const b = EstateBuilder.minimal()
      .platform((p) => {
        p.spec.sizes.L = { cpu: '1', memory: '10Gi', pricePerMonth: '30.00' };
      })
      .booking('demo', 'produktion', [component({ name: 'db', size: 'L', replicas: 2 })]);
    // cpu 3 of 10: fine. memory 2 × 1Gi + 2 × 10Gi = 22Gi of 20Gi
    const { diagnostics } = b.validate();
    expect(codes(diagnostics)).toEqual(['kontingent-exceeded']);
    expect(diagnostics[0].params).toMatchObject({ dimension: 'memory', after: '22Gi', limit: '20Gi' });
  });

  test('kontingent-exceeded (storage) on the size line of the largest volume', () => {
    const b = withProduktion(
      component({
        name: 'db',
        replicas: 3,
        volumes: [
          { name: 'wal', size: '5Gi', class: 'standard', mountPath: '/wal' },
          { name: 'data', size: '30Gi', class: 'standard', mountPath: '/data' },
        ],
      }),
    );
    const found = b.validate().diagnostics.filter((d) => d.code === 'kontingent-exceeded');
    expect(found.map((d) => [d.line, d.path, d.params.after])).toEqual([
      [b.lineOf('verfahren/demo/produktion.yaml', 'size: 30Gi'), '/spec/components/0/volumes/1/size', '105Gi'],
    ]);
  });

  test('budget-exceeded when the monthly cost passes budgetPerMonth', () => {
    const b = withProduktion(component({ name: 'archiv', volumes: [{ name: 'data', size: '90Gi', class: 'encrypted', mountPath: '/data' }] })).tenant('amt', (t) => {
      t.spec.kontingent.budgetPerMonth = '50.00';
    });
    // 3 × 10.00 + 90 × 0.25 = 52.50
    const found = b.validate().diagnostics.filter((d) => d.code === 'budget-exceeded');
    expect(found.map((d) => [d.file, d.line, d.params.after, d.params.limit])).toEqual([
      ['environments/verfahren/demo/produktion.yaml', b.lineOf('verfahren/demo/produktion.yaml', 'replicas: 1'), '52.50', '50.00'],
    ]);
  });

  test('stage-ceiling-exceeded names the stage and blames a booking of that stage', () => {
    const b = withProduktion(component({ name: 'web', size: 'M', replicas: 3 })).tenant('amt', (t) => {
      t.spec.stages = { produktion: { cpu: '2' }, abnahme: { memory: '8Gi' } };
    });
    const found = b.validate().diagnostics.filter((d) => d.severity === 'error');
    expect(found).toEqual([
      {
        severity: 'error',
        code: 'stage-ceiling-exceeded',
        file: 'environments/verfahren/demo/produktion.yaml',
        line: b.lineOf('verfahren/demo/produktion.yaml', 'replicas: 3'),
        path: '/spec/components/0/replicas',
        params: { tenant: 'amt', dimension: 'cpu', stage: 'produktion', after: '3', limit: '2', tenantFile: 'environments/tenants/amt.yaml' },
      },
    ]);
  });

  test('kontingent-near-limit from 90 %, not below', () => {
    const at = (cpu: string) =>
      withProduktion(component({ name: 'web', size: 'M', replicas: 8 }))
        .tenant('amt', (t) => {
          t.spec.kontingent.cpu = cpu;
          t.spec.kontingent.memory = '40Gi';
        })
        .validate().diagnostics;
    // usage: 9 cores
    expect(at('10')).toEqual([expect.objectContaining({ code: 'kontingent-near-limit', severity: 'warning', params: expect.objectContaining({ percent: 90, after: '9', limit: '10' }) })]);
    expect(at('10001m')).toEqual([]);
    expect(at('9')).toEqual([expect.objectContaining({ code: 'kontingent-near-limit', params: expect.objectContaining({ percent: 100 }) })]);
    expect(codes(at('8999m'))).toEqual(['kontingent-exceeded']);
  });

  test('kontingent-near-limit for a per-stage ceiling names the stage', () => {
    const b = withProduktion(component({ name: 'web', size: 'M', replicas: 2 })).tenant('amt', (t) => {
      t.spec.stages = { produktion: { memory: '4Gi' } };
    });
    const found = b.validate().diagnostics;
    expect(found.map((d) => [d.code, d.file, d.line, d.params.dimension, d.params.percent])).toEqual([
      ['kontingent-near-limit', 'environments/verfahren/demo/produktion.yaml', b.lineOf('verfahren/demo/produktion.yaml', 'replicas: 2'), 'memory', 100],
    ]);
    expect(found[0].params.stage).toBe('produktion');
    expect(findingMessage(found[0], 'de')).toBe('Kontingent von amt in produktion fast ausgeschöpft: Arbeitsspeicher 4 GiB von 4 GiB (100\u00a0%).');
  });

  test('equal contributors: the first file in path order is blamed', () => {
    const b = EstateBuilder.minimal()
      .tenant('amt', (t) => {
        t.spec.kontingent.cpu = '2';
      })
      .verfahren('zweites')
      .booking('zweites', 'abnahme', [component({ name: 'web', size: 'M' })])
      .booking('demo', 'schulung', [component({ name: 'web', size: 'M' })]);
    const found = b.validate().diagnostics.filter((d) => d.code === 'kontingent-exceeded');
    expect(found.map((d) => d.file)).toEqual(['environments/verfahren/demo/schulung.yaml']);
  });
});

describe('kontingentTable and costTable', () => {
  const base = EstateBuilder.minimal().tenant('amt', (t) => {
    t.spec.stages = { produktion: { cpu: '4', storage: '50Gi' }, vorpruefung: { memory: '2Gi' } };
  });
  const head = EstateBuilder.minimal()
    .tenant('amt', (t) => {
      t.spec.stages = { produktion: { cpu: '4', storage: '50Gi' }, vorpruefung: { memory: '2Gi' } };
    })
    .booking('demo', 'produktion', [component({ name: 'web', size: 'M', replicas: 2, volumes: [{ name: 'data', size: '1536Mi', class: 'standard', mountPath: '/data' }] })]);

  test('rows per dimension, then per ceiling in stage order, with exact before/after/delta', () => {
    const rows = kontingentTable({ base: estateOf(base), head: estateOf(head), tenants: ['amt'] });
    expect(rows).toEqual([
      { tenant: 'amt', dimension: 'cpu', stage: null, limit: '10', before: '1', after: '3', delta: '2' },
      { tenant: 'amt', dimension: 'memory', stage: null, limit: '20Gi', before: '2Gi', after: '6Gi', delta: '4Gi' },
      { tenant: 'amt', dimension: 'storage', stage: null, limit: '100Gi', before: '0', after: '3Gi', delta: '3Gi' },
      { tenant: 'amt', dimension: 'budgetPerMonth', stage: null, limit: '1000.00', before: '20.00', after: '60.40', delta: '40.40' },
      { tenant: 'amt', dimension: 'memory', stage: 'vorpruefung', limit: '2Gi', before: '1Gi', after: '1Gi', delta: '0' },
      { tenant: 'amt', dimension: 'cpu', stage: 'produktion', limit: '4', before: '0', after: '2', delta: '2' },
      { tenant: 'amt', dimension: 'storage', stage: 'produktion', limit: '50Gi', before: '0', after: '3Gi', delta: '3Gi' },
    ]);
  });

  test('also when nothing changed; a negative delta when usage shrinks', () => {
    const same = kontingentTable({ base: estateOf(base), head: estateOf(base), tenants: ['amt'] });
    expect(same.map((r) => r.delta)).toEqual(['0', '0', '0', '0.00', '0', '0', '0']);
    const shrunk = kontingentTable({ base: estateOf(head), head: estateOf(base), tenants: ['amt'] });
    expect(shrunk[0]).toMatchObject({ dimension: 'cpu', before: '3', after: '1', delta: '-2' });
  });

  test('tenants in name order, unknown ones left out', () => {
    const two = head.tenant('zentrale');
    const rows = kontingentTable({ base: estateOf(base), head: estateOf(two), tenants: ['zentrale', 'amt', 'niemand'] });
    expect([...new Set(rows.map((r) => r.tenant))]).toEqual(['amt', 'zentrale']);
    expect(rows.filter((r) => r.tenant === 'zentrale').map((r) => r.after)).toEqual(['0', '0', '0', '0.00']);
  });

  test('costTable: before, after, delta and budget in euros', () => {
    expect(costTable({ base: estateOf(base), head: estateOf(head), tenants: ['amt'] })).toEqual([
      { tenant: 'amt', before: '20.00', after: '60.40', delta: '40.40', budget: '1000.00' },
    ]);
  });
});
