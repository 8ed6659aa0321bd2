import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseImage, productionStage, registryClass } from '../../src/core/policy.js';
import { EstateBuilder, MINIMAL_PLATFORM, component, digest } from '../helpers/estate.js';

const BOOKING = 'verfahren/demo/abnahme.yaml';
const found = (ds: Diagnostic[]) => ds.map((d) => ({ code: d.code, file: d.file, line: d.line, path: d.path }));

describe('parseImage', () => {
  test.each([
    ['registry.itdz.example/wohngeld/web@sha256:' + 'a'.repeat(64), 'registry.itdz.example', 'registry.itdz.example/wohngeld/web', undefined, 'sha256:' + 'a'.repeat(64)],
    ['registry.itdz.example:5000/wohngeld/web:1.2', 'registry.itdz.example:5000', 'registry.itdz.example:5000/wohngeld/web', '1.2', undefined],
    ['localhost/demo/web:dev', 'localhost', 'localhost/demo/web', 'dev', undefined],
    ['library/nginx:1.27', 'docker.io', 'docker.io/library/nginx', '1.27', undefined],
    ['ghcr.io/amt/web:1.0@sha256:' + 'b'.repeat(64), 'ghcr.io', 'ghcr.io/amt/web', '1.0', 'sha256:' + 'b'.repeat(64)],
  ])('%s', (image, registry, repository, tag, dig) => {
    expect(parseImage(image)).toEqual({ registry, repository, ...(tag ? { tag } : {}), ...(dig ? { digest: dig } : {}) });
  });
});

describe('registryClass', () => {
  const platform = structuredClone(MINIMAL_PLATFORM);
  platform.spec.registries.internal.push('harbor.intern.example/geprueft');

  test('by whole path segments, so look-alike hosts and prefixes do not pass', () => {
    expect(registryClass(platform, 'registry.intern.example/a/b:1')).toBe('internal');
    expect(registryClass(platform, 'registry.intern.example.evil.test/a/b:1')).toBeUndefined();
    expect(registryClass(platform, 'harbor.intern.example/geprueft/app:1')).toBe('internal');
    expect(registryClass(platform, 'harbor.intern.example/ungeprueft/app:1')).toBeUndefined();
    expect(registryClass(platform, 'ghcr.io/amt/web:1')).toBe('external');
    expect(registryClass(platform, 'library/nginx:1')).toBeUndefined();
  });
});

describe('productionStage', () => {
  test('the stage named produktion, else the last one', () => {
    expect(productionStage(MINIMAL_PLATFORM)).toBe('produktion');
    const p = structuredClone(MINIMAL_PLATFORM);
    p.spec.stages = p.spec.stages.slice(0, 2);
    expect(productionStage(p)).toBe('abnahme');
  });
});

describe('registry and digest policy', () => {
  test('a tag from the internal registry in an internal-only stage: image-not-pinned', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      d.spec.components[0].image = 'registry.intern.example/demo/web:1.4.2';
    });
    expect(found(b.validate().diagnostics)).toEqual([
      { code: 'image-not-pinned', file: b.path(BOOKING), line: b.lineOf(BOOKING, 'image:'), path: '/spec/components/0/image' },
    ]);
  });

  test('an external image in an internal-only stage: registry-not-allowed, even with a digest', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', (d) => {
      d.spec.components[0].image = `ghcr.io/amt/web@sha256:${digest('x')}`;
    });
    const { diagnostics } = b.validate();
    expect(found(diagnostics)).toEqual([
      { code: 'registry-not-allowed', file: b.path(BOOKING), line: b.lineOf(BOOKING, 'image:'), path: '/spec/components/0/image' },
    ]);
    expect(diagnostics[0].params).toEqual({ image: `ghcr.io/amt/web@sha256:${digest('x')}`, stage: 'abnahme', allowed: 'registry.intern.example', component: 'web' });
  });

  test('Docker Hub in any stage: registry-not-allowed (neither internal nor external)', () => {
    const b = EstateBuilder.minimal().booking('demo', 'vorpruefung', (d) => {
      d.spec.components[0].image = 'library/nginx:1.27';
    });
    const file = 'verfahren/demo/vorpruefung.yaml';
    const { diagnostics } = b.validate();
    expect(found(diagnostics)).toEqual([{ code: 'registry-not-allowed', file: b.path(file), line: b.lineOf(file, 'image:'), path: '/spec/components/0/image' }]);
    expect(diagnostics[0].params.allowed).toBe('registry.intern.example, ghcr.io');
  });

  test('both findings for an external tag in an internal-only stage', () => {
    const b = EstateBuilder.minimal().booking('demo', 'abnahme', [component({ name: 'web' }), component({ name: 'api', image: 'ghcr.io/amt/api:2.0.0' })]);
    expect(found(b.validate().diagnostics)).toEqual([
      { code: 'image-not-pinned', file: b.path(BOOKING), line: b.lineOf(BOOKING, 'ghcr.io/amt/api'), path: '/spec/components/1/image' },
      { code: 'registry-not-allowed', file: b.path(BOOKING), line: b.lineOf(BOOKING, 'ghcr.io/amt/api'), path: '/spec/components/1/image' },
    ]);
  });

  test('tags are fine in a stage that also takes external registries', () => {
    const b = EstateBuilder.minimal().booking('demo', 'vorpruefung', (d) => {
      d.spec.components[0].image = 'registry.intern.example/demo/web:feature-123';
    });
    expect(b.validate().diagnostics).toEqual([]);
  });
});

describe('placement by Schutzbedarf', () => {
  const schutz = (level: 'hoch' | 'sehr-hoch', platform?: (p: typeof MINIMAL_PLATFORM) => void) =>
    EstateBuilder.minimal()
      .verfahren('demo', (v) => {
        v.spec.schutzbedarf = level;
      })
      .platform(platform);

  test('hoch fits the minimal platform (every cluster at least hoch, all in DE)', () => {
    expect(schutz('hoch').validate().diagnostics).toEqual([]);
  });

  test('placement-schutzniveau: sehr-hoch on the hoch Vorprüfung cluster', () => {
    const b = schutz('sehr-hoch');
    const file = 'verfahren/demo/vorpruefung.yaml';
    const { diagnostics } = b.validate();
    expect(found(diagnostics)).toEqual([{ code: 'placement-schutzniveau', file: b.path(file), line: b.lineOf(file, 'stage: vorpruefung'), path: '/metadata/stage' }]);
    expect(diagnostics[0].params).toEqual({ verfahren: 'demo', schutzbedarf: 'sehr-hoch', cluster: 'caas-vorpruefung', stage: 'vorpruefung', schutzniveau: 'hoch' });
  });

  test('placement-hoheitsgebiet: hoch outside Germany', () => {
    const b = schutz('hoch', (p) => {
      p.spec.stages[1].cluster.hoheitsgebiet = 'IE';
    });
    expect(found(b.validate().diagnostics)).toEqual([
      { code: 'placement-hoheitsgebiet', file: b.path(BOOKING), line: b.lineOf(BOOKING, 'stage: abnahme'), path: '/metadata/stage' },
    ]);
  });

  test('normal may run anywhere', () => {
    const b = EstateBuilder.minimal().platform((p) => {
      for (const s of p.spec.stages) Object.assign(s.cluster, { hoheitsgebiet: 'NL', schutzniveau: 'normal', shared: true });
    });
    expect(b.validate().diagnostics).toEqual([]);
  });

  test('placement-shared-cluster: sehr-hoch in Produktion on a shared cluster, other stages may be shared', () => {
    const b = schutz('sehr-hoch', (p) => {
      p.spec.stages[3].cluster.shared = true;
    })
      .remove('verfahren/demo/vorpruefung.yaml')
      .booking('demo', 'produktion', [component({ name: 'web' })]);
    const file = 'verfahren/demo/produktion.yaml';
    expect(found(b.validate().diagnostics)).toEqual([
      { code: 'placement-shared-cluster', file: b.path(file), line: b.lineOf(file, 'stage: produktion'), path: '/metadata/stage' },
    ]);
  });
});
