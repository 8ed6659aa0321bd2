import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sortDiagnostics } from '../../src/core/diagnostics.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { validateEstate, validateSnapshot } from '../../src/core/validate.js';
import { loadEstate } from '../../src/core/load.js';
import { FINDING_MESSAGES } from '../../src/i18n/findings.js';
import { EstateBuilder, component } from '../helpers/estate.js';
import { readTreeBytes } from '../helpers/files.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'validate');

/** The minimal estate with the files of a fixture case laid over it. */
function fixtureCase(name: string) {
  const files = EstateBuilder.minimal().files();
  for (const [path, bytes] of readTreeBytes(join(fixtures, name))) files.set(path, bytes);
  return validateSnapshot({ snapshot: snapshotOf(files as Map<string, Uint8Array>), today: '2026-06-01' }).diagnostics;
}

const brief = (ds: ReturnType<typeof fixtureCase>) => ds.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line}`);

describe('the example estate in environments/', () => {
  const files = new Map([...readTreeBytes(join(repo, 'environments'))].map(([p, b]) => [`environments/${p}`, b]));
  const { estate, diagnostics } = validateSnapshot({ snapshot: snapshotOf(files), today: '2026-11-28' });

  test('has no errors; bezirksamt-mitte is near its memory Kontingent', () => {
    expect(brief(diagnostics)).toEqual(['warning kontingent-near-limit environments/verfahren/wohngeld/produktion.yaml:24']);
    expect(diagnostics[0].params).toMatchObject({ tenant: 'bezirksamt-mitte', dimension: 'memory', limit: '68Gi', percent: 91 });
  });

  test('is the size the issue asks for: 3 tenants, 6 Fachverfahren, four stages', () => {
    expect(estate.tenants.size).toBeGreaterThanOrEqual(3);
    expect(estate.verfahren.size).toBeGreaterThanOrEqual(6);
    expect(estate.platform?.data.spec.stages.map((s) => s.title)).toEqual(['Vorprüfung', 'Abnahme', 'Schulung', 'Produktion']);
    const schutz = new Set([...estate.verfahren.values()].map((v) => v.doc?.data.spec.schutzbedarf));
    expect(schutz).toEqual(new Set(['normal', 'hoch', 'sehr-hoch']));
  });

  test('every file points its editor at a schema that exists', () => {
    for (const path of files.keys()) {
      const first = new TextDecoder().decode(files.get(path)!).split('\n')[0];
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, path).not.toBeNull();
      expect(statSync(join(repo, path, '..', m![1])).isFile(), path).toBe(true);
    }
  });

  test('inner stages never run a digest the stage before has not had (or been past)', () => {
    const order = estate.platform!.data.spec.stages.map((s) => s.name);
    for (const entry of estate.verfahren.values()) {
      for (let i = 2; i < order.length; i++) {
        const here = entry.bookings.get(order[i]);
        const before = entry.bookings.get(order[i - 1]);
        if (!here || !before) continue;
        for (const c of here.data.spec.components) {
          const prev = before.data.spec.components.find((p) => p.name === c.name);
          // N-1 either runs the same image or a newer one (a different digest of the same repository)
          expect(prev?.image.split('@')[0], `${entry.name}/${order[i]}/${c.name}`).toBe(c.image.split('@')[0]);
        }
      }
    }
  });
});

describe('fixture cases (the minimal estate plus the case’s files)', () => {
  test('quota-exceeded-cpu: the error sits on the replicas of the largest contributor', () => {
    const diagnostics = fixtureCase('quota-exceeded-cpu');
    expect(brief(diagnostics)).toEqual(['error kontingent-exceeded environments/verfahren/demo/produktion.yaml:18']);
    expect(diagnostics[0].params).toMatchObject({ dimension: 'cpu', after: '11', limit: '10' });
  });

  test('image-tag-in-abnahme: a tag and an external registry, each on its image line', () => {
    expect(brief(fixtureCase('image-tag-in-abnahme'))).toEqual([
      'error image-not-pinned environments/verfahren/demo/abnahme.yaml:11',
      'error registry-not-allowed environments/verfahren/demo/abnahme.yaml:16',
    ]);
  });

  test('duplicate-host-across-verfahren: a host belongs to one Fachverfahren per stage', () => {
    expect(brief(fixtureCase('duplicate-host-across-verfahren'))).toEqual(['error duplicate-ingress-host environments/verfahren/demo/abnahme.yaml:14']);
  });
});

describe('validateSnapshot', () => {
  test('load and rule findings together, sorted', () => {
    const b = EstateBuilder.minimal()
      .file('tenants/Amt_2.yaml', 'x: 1\n')
      .booking('demo', 'abnahme', (d) => {
        d.spec.components[0].size = 'XXL';
      });
    const { diagnostics } = b.validate();
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-path', 'unknown-size']);
    expect(diagnostics).toEqual(sortDiagnostics(diagnostics));
  });

  test('an empty repository and one without a platform do not throw', () => {
    expect(validateSnapshot({ snapshot: snapshotOf({}) }).diagnostics).toEqual([]);
    const noPlatform = EstateBuilder.minimal().remove('platform.yaml');
    expect(noPlatform.validate().diagnostics.map((d) => d.code)).toEqual(['platform-missing']);
  });

  test('validateEstate does not repeat load findings', () => {
    const b = EstateBuilder.minimal().file('verfahren/demo/schulung.yaml', 'kind: [');
    const estate = loadEstate({ snapshot: b.snapshot() }).value;
    expect(validateEstate({ estate })).toEqual([]);
  });
});

describe('messages', () => {
  /** One estate per rule, together emitting every code validateEstate has. */
  const estates = [
    EstateBuilder.minimal().platform((p) => {
      p.spec.stages.push(structuredClone(p.spec.stages[0]));
      p.spec.sizes.M.cpu = 1e30;
    }),
    EstateBuilder.minimal()
      .platform((p) => {
        p.spec.stages[1].cluster.hoheitsgebiet = 'AT';
        p.spec.stages[3].cluster.shared = true;
      })
      .verfahren('demo', (v) => {
        v.spec.schutzbedarf = 'sehr-hoch';
        v.spec.tenant = 'niemand';
        v.spec.vertretung = [{ login: 'k-yilmaz', until: '2020-01-01' }];
      })
      .booking('demo', 'produktion', [component({ name: 'web' })])
      .booking('demo', 'staging', [
        component({ name: 'web', size: 'XXL', ingress: { host: 'a.example' } }),
        component({ name: 'web', port: undefined, ingress: { host: 'a.example' }, volumes: [{ name: 'd', size: '1Gi', class: 'x', mountPath: '/d' }, { name: 'd', size: '1Gi', class: 'x', mountPath: '/e' }] }),
      ])
      .booking('demo', 'abnahme', [component({ name: 'web', image: 'registry.intern.example/demo/web:1' }), component({ name: 'proxy', image: `library/nginx@sha256:${'0'.repeat(64)}` })])
      .verfahren('fachverfahren-mit-einem-wirklich-sehr-langen-namen-xyz')
      .booking('fachverfahren-mit-einem-wirklich-sehr-langen-namen-xyz', 'produktion', [component({ name: 'web' })]),
    EstateBuilder.minimal()
      .tenant('amt', (t) => {
        t.spec.kontingent = { cpu: '1', memory: '1Gi', storage: '100Gi', budgetPerMonth: '30.00' };
        t.spec.stages = { abnahme: { cpu: '100m' }, vorpruefung: { cpu: '550m' } };
      })
      .booking('demo', 'produktion', [component({ name: 'db', volumes: [{ name: 'data', size: '95Gi', class: 'standard', mountPath: '/d' }] })]),
  ];
  const diagnostics = estates.flatMap((b) => b.validate('2026-06-01').diagnostics);

  test('the rules above emit every code of integrity, Kontingent and policy', () => {
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(
      new Set([
        'duplicate-stage', 'placement-hoheitsgebiet', 'placement-shared-cluster', 'placement-schutzniveau', 'quantity-out-of-range',
        'unknown-tenant', 'vertretung-expired', 'unknown-stage', 'unknown-size', 'registry-not-allowed', 'duplicate-component',
        'ingress-without-port', 'duplicate-ingress-host', 'unknown-storage-class', 'duplicate-volume', 'image-not-pinned', 'name-too-long',
        'schema-violation', 'kontingent-exceeded', 'stage-ceiling-exceeded', 'budget-exceeded', 'kontingent-near-limit',
      ]),
    );
  });

  test('every message finds all the parameters it uses, in German and English', () => {
    for (const d of diagnostics) {
      for (const locale of ['de', 'en'] as const) {
        const used = new Set<string>();
        const params = new Proxy(d.params, {
          get(target, key: string) {
            used.add(key);
            return target[key];
          },
        });
        const text = FINDING_MESSAGES[d.code][locale](params);
        for (const key of used) expect(d.params, `${d.code} (${locale}) uses ${key}: ${text}`).toHaveProperty(key);
      }
    }
  });
});

describe('validateSnapshot reports what only rendering finds', () => {
  test('a broken template override is a template-error with its file and line', () => {
    const snapshot = EstateBuilder.minimal().snapshot();
    const files = new Map(snapshot.files);
    files.set('templates/namespace.yaml.hbs', new TextEncoder().encode('apiVersion: v1\nkind: Namespace\nmetadata: {{{name}}}\n'));
    const findings = validateSnapshot({ snapshot: snapshotOf(files), today: '2026-06-01' }).diagnostics;
    expect(findings.filter((d) => d.code === 'template-error').map((d) => [d.file, d.line])).toEqual([['templates/namespace.yaml.hbs', 3]]);
  });

  test('an env value Kubernetes tooling would alter (U+2028) is render-invalid-object, and the same estate without it is clean', () => {
    const clean = EstateBuilder.minimal();
    expect(clean.validate().diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const b = EstateBuilder.minimal().booking('demo', 'vorpruefung', (d) => {
      d.spec.components[0].env = { GREETING: 'Hallo\u2028Welt' };
    });
    expect(b.validate().diagnostics.filter((d) => d.code === 'render-invalid-object').map((d) => d.file)).toEqual(['environments/verfahren/demo/vorpruefung.yaml']);
  });
});
