import { describe, expect, test } from 'vitest';
import type { Diagnostic, FindingCode } from '../../src/core/diagnostics.js';
import { EstateBuilder, component } from '../helpers/estate.js';

const BOOKING = 'verfahren/demo/abnahme.yaml';

function only(diagnostics: Diagnostic[], code: FindingCode) {
  return diagnostics.filter((d) => d.code === code).map((d) => ({ file: d.file, line: d.line, path: d.path, params: d.params }));
}

describe('integrity', () => {
  test('the minimal estate has no findings', () => {
    expect(EstateBuilder.minimal().validate().diagnostics).toEqual([]);
  });

  test('duplicate-stage: the second stage of the same name', () => {
    const b = EstateBuilder.minimal().platform((p) => {
      p.spec.stages.push({ ...structuredClone(p.spec.stages[1]) });
    });
    const found = only(b.validate().diagnostics, 'duplicate-stage');
    expect(found).toEqual([
      { file: 'environments/platform.yaml', line: b.lineOf('platform.yaml', 'name: abnahme', 2), path: '/spec/stages/4/name', params: { stage: 'abnahme' } },
    ]);
  });

  test('unknown-stage: a booking for a stage the platform does not have', () => {
    const b = EstateBuilder.minimal().booking('demo', 'staging', [component({ name: 'web' })]);
    const found = only(b.validate().diagnostics, 'unknown-stage');
    expect(found).toEqual([
      {
        file: 'environments/verfahren/demo/staging.yaml',
        line: b.lineOf('verfahren/demo/staging.yaml', 'stage: staging'),
        path: '/metadata/stage',
        params: { stage: 'staging', known: 'vorpruefung, abnahme, schulung, produktion' },
      },
    ]);
  });

  test('unknown-stage: a tenant ceiling for a stage the platform does not have', () => {
    const b = EstateBuilder.minimal().tenant('amt', (t) => {
      t.spec.stages = { produktion: { cpu: '4' }, prod: { cpu: '2' } };
    });
    const found = only(b.validate().diagnostics, 'unknown-stage');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'environments/tenants/amt.yaml', line: b.lineOf('tenants/amt.yaml', 'prod:'), path: '/spec/stages/prod' });
  });

  test('unknown-size: a size the platform does not offer', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      d.spec.components[0].size = 'XXL';
    });
    expect(only(b.validate().diagnostics, 'unknown-size')).toEqual([
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'size: XXL'), path: '/spec/components/0/size', params: { size: 'XXL', known: 'S, M' } },
    ]);
  });

  test('unknown-storage-class and duplicate-volume in one component', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', [
      component({
        name: 'db',
        volumes: [
          { name: 'data', size: '10Gi', class: 'standard', mountPath: '/data' },
          { name: 'data', size: '1Gi', class: 'ssd-premium', mountPath: '/wal' },
        ],
      }),
    ]);
    const { diagnostics } = b.validate();
    expect(only(diagnostics, 'unknown-storage-class')).toEqual([
      {
        file: b.path(BOOKING),
        line: b.lineOf(BOOKING, 'class: ssd-premium'),
        path: '/spec/components/0/volumes/1/class',
        params: { class: 'ssd-premium', known: 'standard, encrypted' },
      },
    ]);
    expect(only(diagnostics, 'duplicate-volume')).toEqual([
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'name: data', 2), path: '/spec/components/0/volumes/1/name', params: { volume: 'data', component: 'db' } },
    ]);
  });

  test('unknown-tenant: verfahren.yaml names a tenant without a file', () => {
    const b = EstateBuilder.minimal().verfahren('demo', (v) => {
      v.spec.tenant = 'bezirksamt-nirgendwo';
    });
    expect(only(b.validate().diagnostics, 'unknown-tenant')).toEqual([
      {
        file: 'environments/verfahren/demo/verfahren.yaml',
        line: b.lineOf('verfahren/demo/verfahren.yaml', 'tenant: bezirksamt-nirgendwo'),
        path: '/spec/tenant',
        params: { tenant: 'bezirksamt-nirgendwo', verfahren: 'demo' },
      },
    ]);
  });

  test('duplicate-component: the second component of the same name', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', [component({ name: 'web' }), component({ name: 'api' }), component({ name: 'web', size: 'M' })]);
    expect(only(b.validate().diagnostics, 'duplicate-component')).toEqual([
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'name: web', 2), path: '/spec/components/2/name', params: { component: 'web' } },
    ]);
  });

  test('ingress-without-port', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      delete d.spec.components[0].port;
      d.spec.components[0].ingress = { host: 'demo.abnahme.example' };
    });
    expect(only(b.validate().diagnostics, 'ingress-without-port')).toEqual([
      { file: b.path(BOOKING), line: b.lineOf(BOOKING, 'ingress:'), path: '/spec/components/0/ingress', params: { component: 'web' } },
    ]);
  });

  describe('duplicate-ingress-host', () => {
    const withHosts = (other: { host: string; path?: string }, stageName = 'abnahme') =>
      EstateBuilder.minimal()
        .booking('demo', 'abnahme', (d) => {
          d.spec.components[0].ingress = { host: 'portal.berlin.example' };
        })
        .verfahren('zweites')
        .booking('zweites', stageName, [component({ name: 'frontend', ingress: other })]);

    test('another Fachverfahren in the same stage: the later one (by name) gets the finding', () => {
      const b = withHosts({ host: 'Portal.Berlin.Example' });
      const file = 'verfahren/zweites/abnahme.yaml';
      expect(only(b.validate().diagnostics, 'duplicate-ingress-host')).toEqual([
        {
          file: b.path(file),
          line: b.lineOf(file, 'host: Portal.Berlin.Example'),
          path: '/spec/components/0/ingress/host',
          params: { host: 'portal.berlin.example', stage: 'abnahme', other: 'demo/web' },
        },
      ]);
    });

    test('the same host in different stages is fine', () => {
      expect(only(withHosts({ host: 'portal.berlin.example' }, 'vorpruefung').validate().diagnostics, 'duplicate-ingress-host')).toEqual([]);
    });

    test('one Fachverfahren may split a host by path, but not use one path twice', () => {
      const split = EstateBuilder.minimal().booking('demo', 'abnahme', [
        component({ name: 'web', ingress: { host: 'demo.example' } }),
        component({ name: 'api', ingress: { host: 'demo.example', path: '/api' } }),
      ]);
      expect(only(split.validate().diagnostics, 'duplicate-ingress-host')).toEqual([]);

      const twice = EstateBuilder.minimal().booking('demo', 'abnahme', [
        component({ name: 'web', ingress: { host: 'demo.example' } }),
        component({ name: 'web2', ingress: { host: 'demo.example', path: '/' } }),
      ]);
      expect(only(twice.validate().diagnostics, 'duplicate-ingress-host')).toEqual([
        { file: twice.path(BOOKING), line: twice.lineOf(BOOKING, 'host: demo.example', 2), path: '/spec/components/1/ingress/host', params: { host: 'demo.example', stage: 'abnahme', other: 'demo/web' } },
      ]);
    });
  });

  test('name-too-long: the namespace <verfahren>-<stage> would exceed 63 characters', () => {
    // verfahren.yaml caps names at 40 characters; a booking whose verfahren.yaml is broken still
    // gets its name checked, because the namespace is built from the booking.
    const name = 'fachverfahren-mit-einem-wirklich-sehr-langen-namen-xyz';
    const b = EstateBuilder.minimal()
      .verfahren(name)
      .booking(name, 'produktion', [component({ name: 'web' })]);
    const file = `verfahren/${name}/produktion.yaml`;
    const { diagnostics } = b.validate();
    expect(only(diagnostics, 'name-too-long')).toEqual([
      { file: b.path(file), line: b.lineOf(file, `name: ${name}`), path: '/metadata/name', params: { name: `${name}-produktion`, length: 65, limit: 63 } },
    ]);
    expect(only(diagnostics, 'schema-violation').map((d) => d.path)).toEqual(['/metadata/name']);
  });

  describe('quantity-out-of-range', () => {
    test('a tenant memory beyond any real contract', () => {
      const b = EstateBuilder.minimal().tenant('amt', (t) => {
        t.spec.kontingent.memory = '99999999999999999999Ei';
      });
      expect(only(b.validate().diagnostics, 'quantity-out-of-range')).toEqual([
        {
          file: 'environments/tenants/amt.yaml',
          line: b.lineOf('tenants/amt.yaml', 'memory: 99999999999999999999Ei'),
          path: '/spec/kontingent/memory',
          params: { value: '99999999999999999999Ei', dimension: 'memory' },
        },
      ]);
    });

    test('a size cpu written as a huge YAML number, and a volume size', () => {
      const b = EstateBuilder.minimal()
        .platform((p) => {
          p.spec.sizes.M.cpu = 1e30;
        })
        .booking('demo', 'abnahme', [component({ name: 'db', volumes: [{ name: 'data', size: '9000000Ei', class: 'standard', mountPath: '/data' }] })]);
      const found = only(b.validate().diagnostics, 'quantity-out-of-range');
      expect(found.map((d) => [d.file, d.line, d.path])).toEqual([
        ['environments/platform.yaml', b.lineOf('platform.yaml', 'e+30'), '/spec/sizes/M/cpu'],
        [b.path(BOOKING), b.lineOf(BOOKING, 'size: 9000000Ei'), '/spec/components/0/volumes/0/size'],
      ]);
    });

    test('ceilings and storage prices are checked as well', () => {
      const b = EstateBuilder.minimal()
        .tenant('amt', (t) => {
          t.spec.stages = { produktion: { storage: '99999999999999999999Ei' } };
        })
        .platform((p) => {
          p.spec.storageClasses.standard.pricePerGiBMonth = '1000000000000000.00';
        });
      const found = only(b.validate().diagnostics, 'quantity-out-of-range');
      expect(found.map((d) => [d.file, d.line, d.path])).toEqual([
        ['environments/platform.yaml', b.lineOf('platform.yaml', "pricePerGiBMonth: '1000000000000000.00'"), '/spec/storageClasses/standard/pricePerGiBMonth'],
        ['environments/tenants/amt.yaml', b.lineOf('tenants/amt.yaml', 'storage: 99999999999999999999Ei'), '/spec/stages/produktion/storage'],
      ]);
    });
  });

  describe('vertretung-expired', () => {
    const b = EstateBuilder.minimal().verfahren('demo', (v) => {
      v.spec.vertretung = [{ login: 'k-yilmaz', until: '2026-03-31' }, { login: 'p-wolff', until: '2026-04-01' }, { login: 'e-schmidt' }];
    });

    test('a warning on the until line once the day has passed', () => {
      const found = b.validate('2026-04-01').diagnostics.filter((d) => d.code === 'vertretung-expired');
      expect(found).toEqual([
        {
          severity: 'warning',
          code: 'vertretung-expired',
          file: 'environments/verfahren/demo/verfahren.yaml',
          line: b.lineOf('verfahren/demo/verfahren.yaml', '2026-03-31'),
          path: '/spec/vertretung/0/until',
          params: { login: 'k-yilmaz', until: '2026-03-31', verfahren: 'demo' },
        },
      ]);
    });

    test('until is the last valid day', () => {
      expect(b.validate('2026-03-31').diagnostics).toEqual([]);
    });
  });
});
