import { describe, expect, test } from 'vitest';
import { loadEstate } from '../../src/core/load.js';
import { snapshotOf } from '../../src/core/snapshot.js';
import { computeChanges, type Change } from '../../src/core/changes.js';
import { applyEdits, baseFiles, estateOf, IMAGES, M, PLATFORM, renameDir, replace, setImage, W } from '../fixtures/gate/builder.js';

function changesFor(head: Record<string, string>, base = baseFiles()): Change[] {
  return computeChanges({ base: estateOf(base).estate, head: estateOf(head).estate });
}
const edit = (edits: Parameters<typeof applyEdits>[1]) => changesFor(applyEdits(baseFiles(), edits));
const brief = (changes: Change[]) => changes.map((c) => `${c.verfahren ?? '-'}/${c.stage ?? '-'}:${c.kind}`);

describe('computeChanges', () => {
  test('an unchanged estate has no changes', () => {
    expect(changesFor(baseFiles())).toEqual([]);
  });

  test('a changed digest is a promotion with the component before and after', () => {
    const changes = edit({ [`${W}/produktion.yaml`]: setImage('web', IMAGES.WEB_V2) });
    expect(changes).toEqual([
      {
        verfahren: 'wohngeld',
        stage: 'produktion',
        kind: 'promotion',
        components: [{ name: 'web', before: { image: IMAGES.WEB_V1, size: 'M', replicas: 2 }, after: { image: IMAGES.WEB_V2, size: 'M', replicas: 2 } }],
        files: [`${W}/produktion.yaml`],
      },
    ]);
  });

  test('the same tag with another digest is a promotion (the full reference counts)', () => {
    const base = baseFiles({ [`${W}/produktion.yaml`]: setImage('web', 'registry.itdz.example/wohngeld/web:1.4.0@sha256:' + 'a'.repeat(64)) });
    const head = applyEdits(base, { [`${W}/produktion.yaml`]: setImage('web', 'registry.itdz.example/wohngeld/web:1.4.0@sha256:' + 'b'.repeat(64)) });
    expect(brief(changesFor(head, base))).toEqual(['wohngeld/produktion:promotion']);
  });

  test('replicas changed without an image change is a booking change', () => {
    const changes = edit({ [`${W}/produktion.yaml`]: replace('replicas: 2', 'replicas: 3') });
    expect(brief(changes)).toEqual(['wohngeld/produktion:booking']);
    expect(changes[0].components).toEqual([{ name: 'web', before: { image: IMAGES.WEB_V1, size: 'M', replicas: 2 }, after: { image: IMAGES.WEB_V1, size: 'M', replicas: 3 } }]);
  });

  test('an env-only change is a booking change that still names the component', () => {
    const changes = edit({ [`${W}/schulung.yaml`]: replace('LOG_LEVEL: info', 'LOG_LEVEL: debug') });
    expect(brief(changes)).toEqual(['wohngeld/schulung:booking']);
    expect(changes[0].components.map((c) => c.name)).toEqual(['web']);
  });

  test('a comment-only edit is a booking change without changed components', () => {
    const changes = edit({ [`${W}/schulung.yaml`]: (t) => `# Schulung ab Montag\n${t}` });
    expect(brief(changes)).toEqual(['wohngeld/schulung:booking']);
    expect(changes[0].components).toEqual([]);
  });

  test('a component added to a booking is a promotion (its image enters the stage)', () => {
    const changes = edit({
      [`${M}/abnahme.yaml`]: (t) => `${t}    - name: worker\n      image: ${IMAGES.MW_V2}\n      size: S\n      replicas: 1\n`,
    });
    expect(brief(changes)).toEqual(['meldewesen/abnahme:promotion']);
    expect(changes[0].components).toEqual([{ name: 'worker', after: { image: IMAGES.MW_V2, size: 'S', replicas: 1 } }]);
  });

  test('a component removed from a booking is a booking change with only "before"', () => {
    const changes = edit({ [`${W}/vorpruefung.yaml`]: (t) => t.slice(0, t.indexOf('    - name: db')) });
    expect(brief(changes)).toEqual(['wohngeld/vorpruefung:booking']);
    expect(changes[0].components).toEqual([{ name: 'db', before: { image: IMAGES.PG, size: 'L', replicas: 1 } }]);
  });

  test('a new booking of an existing Fachverfahren is "created" for that stage', () => {
    const base = baseFiles({ [`${M}/schulung.yaml`]: null });
    const head = baseFiles();
    const changes = changesFor(head, base);
    expect(brief(changes)).toEqual(['meldewesen/schulung:created']);
    expect(changes[0].components).toEqual([{ name: 'api', after: { image: IMAGES.MW_V2, size: 'S', replicas: 2 } }]);
  });

  test('a deleted booking is "deleted" with the components it removes', () => {
    const changes = edit({ [`${W}/produktion.yaml`]: null });
    expect(brief(changes)).toEqual(['wohngeld/produktion:deleted']);
    expect(changes[0].components.map((c) => [c.name, c.before?.image, c.after])).toEqual([
      ['db', IMAGES.PG, undefined],
      ['web', IMAGES.WEB_V1, undefined],
    ]);
  });

  test('a deleted Fachverfahren is "deleted" for verfahren.yaml and every stage, in stage order', () => {
    const files = baseFiles();
    for (const p of Object.keys(files)) if (p.startsWith(`${M}/`)) delete files[p];
    expect(brief(changesFor(files))).toEqual([
      'meldewesen/-:deleted',
      'meldewesen/vorpruefung:deleted',
      'meldewesen/abnahme:deleted',
      'meldewesen/schulung:deleted',
      'meldewesen/produktion:deleted',
    ]);
  });

  test('a renamed Fachverfahren directory is a deletion of the old and a creation of the new name', () => {
    const head = renameDir(baseFiles(), M, 'environments/verfahren/melderegister');
    for (const p of Object.keys(head)) if (p.startsWith('environments/verfahren/melderegister/')) head[p] = head[p].replaceAll('name: meldewesen', 'name: melderegister');
    const changes = changesFor(head);
    expect(brief(changes)).toEqual([
      'melderegister/-:created',
      'melderegister/vorpruefung:created',
      'melderegister/abnahme:created',
      'melderegister/schulung:created',
      'melderegister/produktion:created',
      'meldewesen/-:deleted',
      'meldewesen/vorpruefung:deleted',
      'meldewesen/abnahme:deleted',
      'meldewesen/schulung:deleted',
      'meldewesen/produktion:deleted',
    ]);
  });

  test('verfahren.yaml modified is a settings change of that Fachverfahren without a stage', () => {
    const changes = edit({ [`${W}/verfahren.yaml`]: replace('[m-schulz, a-nowak]', '[m-schulz, a-nowak, e-fischer]') });
    expect(changes).toEqual([{ verfahren: 'wohngeld', stage: null, kind: 'settings', components: [], files: [`${W}/verfahren.yaml`] }]);
  });

  test('platform.yaml, a tenant, a template and .github/freigabe.yml are platform-wide settings changes', () => {
    const changes = edit({
      [PLATFORM]: replace('minApprovals: 1', 'minApprovals: 2'),
      'environments/tenants/bezirksamt-pankow.yaml': replace('budgetPerMonth: 2500.00', 'budgetPerMonth: 3000.00'),
      'templates/deployment.yaml.hbs': 'apiVersion: apps/v1\n',
      '.github/freigabe.yml': 'locale: en\n',
    });
    expect(changes.map((c) => [c.verfahren, c.stage, c.kind, c.files])).toEqual([
      [null, null, 'settings', ['.github/freigabe.yml']],
      [null, null, 'settings', [PLATFORM]],
      [null, null, 'settings', ['environments/tenants/bezirksamt-pankow.yaml']],
      [null, null, 'settings', ['templates/deployment.yaml.hbs']],
    ]);
  });

  test('a head booking that does not parse is still a change of its stage', () => {
    const head = applyEdits(baseFiles(), { [`${W}/produktion.yaml`]: replace('replicas: 2', 'replicas: [2') });
    const loaded = estateOf(head);
    expect(loaded.diagnostics.map((d) => d.code)).toContain('yaml-syntax');
    const changes = changesFor(head);
    expect(changes).toEqual([{ verfahren: 'wohngeld', stage: 'produktion', kind: 'booking', components: [], files: [`${W}/produktion.yaml`] }]);
  });

  test('a booking file with an invalid stage name is still a change', () => {
    const changes = edit({ [`${W}/Produktion.yaml`]: 'kind: Booking\n' });
    expect(brief(changes)).toEqual(['wohngeld/Produktion:created']);
  });

  test('files outside the estate root and documentation inside it are no change', () => {
    expect(
      edit({
        'src/app.ts': 'export {};\n',
        'docs/betrieb.md': '# Betrieb\n',
        'README.md': '# geändert\n',
        [`${W}/NOTIZEN.md`]: 'Schulungstermine\n',
      }),
    ).toEqual([]);
  });

  test('moving the estate root in .github/freigabe.yml is one settings change, not a delete of everything', () => {
    const head = renameDir(baseFiles(), 'environments', 'estate');
    head['.github/freigabe.yml'] = 'root: estate\n';
    expect(brief(changesFor(head))).toEqual(['-/-:settings']);
  });

  test('the order is deterministic: platform-wide first, then by Fachverfahren and base stage order', () => {
    const edits = {
      [`${W}/produktion.yaml`]: replace('replicas: 2', 'replicas: 4'),
      [`${M}/vorpruefung.yaml`]: replace('replicas: 2', 'replicas: 1'),
      [`${W}/abnahme.yaml`]: replace('replicas: 2', 'replicas: 3'),
      'environments/tenants/bezirksamt-mitte.yaml': replace('cpu: "24"', 'cpu: "32"'),
    };
    const head = applyEdits(baseFiles(), edits);
    const reversed = Object.fromEntries(Object.entries(head).reverse());
    const expected = ['-/-:settings', 'meldewesen/vorpruefung:booking', 'wohngeld/abnahme:booking', 'wohngeld/produktion:booking'];
    expect(brief(changesFor(head))).toEqual(expected);
    expect(changesFor(reversed)).toEqual(changesFor(head));
  });
});

describe('settings file under settings taken from the default branch', () => {
  // The GitHub app evaluates both sides with the default branch's settings, so the values in
  // force are equal; the edit of .github/freigabe.yml must still be a platform change.
  test('an edited settings file is a settings change even when the settings in force are the same', () => {
    const base = { ...baseFiles(), '.github/freigabe.yml': 'locale: de\n' };
    const head = { ...baseFiles(), '.github/freigabe.yml': 'locale: de\nreconcileIntervalMinutes: 5\n' };
    const forced = loadEstate({ snapshot: snapshotOf(base) }).value.settings;
    const changes = computeChanges({
      base: loadEstate({ snapshot: snapshotOf(base), settings: forced }).value,
      head: loadEstate({ snapshot: snapshotOf(head), settings: forced }).value,
    });
    expect(brief(changes)).toEqual(['-/-:settings']);
    expect(changes[0].files).toEqual(['.github/freigabe.yml']);
  });
});
