import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { loadEstate, loadSettings } from '../../src/core/load.js';
import { DEFAULT_SETTINGS } from '../../src/core/model.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { EstateBuilder } from '../helpers/estate.js';

const load = (b: EstateBuilder) => loadEstate({ snapshot: b.snapshot() });
const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.file}:${d.line}`);

describe('routing files by path', () => {
  test('the minimal estate loads every document', () => {
    const { value, diagnostics } = load(EstateBuilder.minimal());
    expect(diagnostics).toEqual([]);
    expect(value.platform?.data.metadata.name).toBe('test-plattform');
    expect([...value.tenants.keys()]).toEqual(['amt']);
    expect([...value.verfahren.get('demo')!.bookings.keys()]).toEqual(['abnahme', 'vorpruefung']);
  });

  test('unknown files are findings; Markdown and .gitkeep are not', () => {
    const b = EstateBuilder.minimal()
      .file('notes.txt', 'hallo')
      .file('verfahren/demo/values.json', '{}')
      .file('tenants/README.md', '# Mandanten')
      .file('verfahren/demo/.gitkeep', '');
    expect(brief(load(b).diagnostics)).toEqual(['unknown-file environments/notes.txt:1', 'unknown-file environments/verfahren/demo/values.json:1']);
  });

  test('names that are not DNS labels, and traversal segments, are invalid paths', () => {
    const b = EstateBuilder.minimal()
      .file('verfahren/Wohn_Geld/verfahren.yaml', 'x: 1')
      .file('tenants/Amt.yaml', 'x: 1')
      .file('verfahren/demo/Produktion.yaml', 'x: 1')
      .file('verfahren/../tenants/x.yaml', 'x: 1');
    const found = load(b).diagnostics;
    expect(found.map((d) => [d.code, d.params.segment])).toEqual([
      ['invalid-path', 'Amt.yaml'],
      ['invalid-path', '..'],
      ['invalid-path', 'Wohn_Geld'],
      ['invalid-path', 'Produktion.yaml'],
    ]);
  });

  test('files outside the estate root are not the estate’s business', () => {
    const b = EstateBuilder.minimal();
    const files = b.files();
    files.set('src/main.ts', 'export {}');
    expect(loadEstate({ snapshot: snapshotOf(Object.fromEntries(files)) }).diagnostics).toEqual([]);
  });
});

describe('document checks', () => {
  test('wrong-kind on the kind line; a list where a document is expected on line 1', () => {
    const b = EstateBuilder.minimal()
      .file('tenants/amt.yaml', '# Mandant\napiVersion: freigabe/v1\nkind: Verfahren\nmetadata: { name: amt }\n')
      .file('verfahren/demo/schulung.yaml', '- a\n- b\n');
    const found = load(b).diagnostics;
    expect(brief(found)).toEqual(['wrong-kind environments/tenants/amt.yaml:3', 'wrong-kind environments/verfahren/demo/schulung.yaml:1']);
    expect(found.map((d) => d.params)).toEqual([
      { expected: 'Tenant', actual: 'Verfahren' },
      { expected: 'Booking', actual: 'list' },
    ]);
  });

  test('name-mismatch and stage-mismatch on their metadata lines', () => {
    const b = EstateBuilder.minimal()
      .tenant('amt', (t) => {
        t.metadata.name = 'anderes-amt';
      })
      .booking('demo', 'abnahme', (d) => {
        d.metadata.stage = 'produktion';
      });
    expect(brief(load(b).diagnostics)).toEqual([
      `name-mismatch environments/tenants/amt.yaml:${b.lineOf('tenants/amt.yaml', 'name: anderes-amt')}`,
      `stage-mismatch environments/verfahren/demo/abnahme.yaml:${b.lineOf('verfahren/demo/abnahme.yaml', 'stage: produktion')}`,
    ]);
  });

  test('schema-violation on the line of the offending key or value', () => {
    const text = [
      'apiVersion: freigabe/v1', // 1
      'kind: Booking', // 2
      'metadata: { name: demo, stage: abnahme }', // 3
      'spec:', // 4
      '  components:', // 5
      '    - name: web', // 6
      '      image: registry.intern.example/demo/web:1', // 7
      '      size: S', // 8
      '      replicas: zwei', // 9
      '      cpu: 2', // 10
      '      port: 70000', // 11
    ].join('\n');
    const found = load(EstateBuilder.minimal().file('verfahren/demo/abnahme.yaml', text)).diagnostics;
    expect(found.map((d) => [d.code, d.line, d.path, d.params.keyword])).toEqual([
      ['schema-violation', 10, '/spec/components/0/cpu', 'additionalProperties'],
      ['schema-violation', 9, '/spec/components/0/replicas', 'type'],
      ['schema-violation', 11, '/spec/components/0/port', 'maximum'],
    ]);
    expect(found[1].params.de).toMatch(/integer/);
  });

  test('an invalid document is left out, the rest of the estate still loads', () => {
    const { value } = load(EstateBuilder.minimal().file('verfahren/demo/abnahme.yaml', 'kind: [\n'));
    expect([...value.verfahren.get('demo')!.bookings.keys()]).toEqual(['vorpruefung']);
    expect([...value.verfahren.get('demo')!.bookingFiles.keys()].sort()).toEqual(['abnahme', 'vorpruefung']);
  });

  test('platform-missing and booking-without-verfahren', () => {
    const b = EstateBuilder.minimal().remove('platform.yaml').remove('verfahren/demo/verfahren.yaml');
    expect(brief(load(b).diagnostics)).toEqual([
      'platform-missing environments/platform.yaml:1',
      'booking-without-verfahren environments/verfahren/demo/abnahme.yaml:1',
      'booking-without-verfahren environments/verfahren/demo/vorpruefung.yaml:1',
    ]);
  });
});

describe('settings', () => {
  test('root from .github/freigabe.yml moves the estate', () => {
    const files = new Map([...EstateBuilder.minimal().files()].map(([p, c]) => [p.replace(/^environments\//, 'estate/'), c]));
    files.set('.github/freigabe.yml', 'root: estate\nlocale: en\n');
    const { value, diagnostics } = loadEstate({ snapshot: snapshotOf(Object.fromEntries(files)) });
    expect(diagnostics).toEqual([]);
    expect(value.settings).toMatchObject({ root: 'estate', locale: 'en' });
    expect(value.tenants.get('amt')?.file).toBe('estate/tenants/amt.yaml');
  });

  test('a broken settings file gives settings-invalid and the defaults', () => {
    const s = loadSettings(snapshotOf({ '.github/freigabe.yml': 'root: ../etc\nreconcileIntervalMinutes: 1\n' }));
    expect(s.value).toEqual(DEFAULT_SETTINGS);
    expect(s.diagnostics.map((d) => [d.code, d.line, d.params.cause])).toEqual([
      ['settings-invalid', 1, 'schema-violation'],
      ['settings-invalid', 2, 'schema-violation'],
    ]);
    const dup = loadSettings(snapshotOf({ '.github/freigabe.yml': 'root: a\nroot: b\n' }));
    expect(dup.diagnostics.map((d) => [d.code, d.line, d.params.cause])).toEqual([['settings-invalid', 2, 'yaml-duplicate-key']]);
  });
});
