import { describe, expect, test } from 'vitest';
import { imageChanges, nextStage, proposePromotion, promotionBranch, promotionMarker } from '../../src/core/promotion-proposal.js';
import { DIGEST, WOHNGELD, estateOf, fixtureFiles, fixtureSnapshot, withDigest } from './fixture.js';

describe('imageChanges', () => {
  test('names exactly the stages and components whose images changed', () => {
    const base = estateOf(fixtureSnapshot());
    const head = estateOf(fixtureSnapshot({ [`${WOHNGELD}/schulung.yaml`]: withDigest('web', DIGEST.d) }));
    expect(imageChanges({ base, head })).toEqual([{ verfahren: 'wohngeld', stage: 'schulung', components: ['web'] }]);
    expect(imageChanges({ base, head: base })).toEqual([]);
  });

  test('a size change is no image change', () => {
    const base = estateOf(fixtureSnapshot());
    const head = estateOf(fixtureSnapshot({ [`${WOHNGELD}/schulung.yaml`]: (t) => t.replace('replicas: 2', 'replicas: 3') }));
    expect(imageChanges({ base, head })).toEqual([]);
  });
});

describe('proposePromotion', () => {
  const head = estateOf(fixtureSnapshot({ [`${WOHNGELD}/schulung.yaml`]: withDigest('web', DIGEST.d) }));

  test('changes only the image line of Produktion and keeps comments, quotes and formatting', () => {
    const result = proposePromotion({ estate: head, verfahren: 'wohngeld', from: 'schulung', source: { repository: 'o/r', number: 7, url: 'https://github.com/o/r/pull/7' }, sourceSha: '1'.repeat(40) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const p = result.proposal;
    const original = fixtureFiles()[`${WOHNGELD}/produktion.yaml`];
    const before = original.split('\n');
    const after = p.text.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line !== after[i] ? [i] : []));
    expect(changed).toHaveLength(1);
    expect(before[changed[0]]).toContain(`sha256:${DIGEST.a}"   # Release 2024.3`);
    expect(after[changed[0]]).toBe(`      image: "registry.itdz.example/wohngeld/web@sha256:${DIGEST.d}"   # Release 2024.3`);
    expect(p.text).toContain('# Produktion: Änderungen nur mit Freigabe der Verfahrensverantwortlichen.');
    expect(p.text).toContain('# yaml-language-server:');
    expect(p).toMatchObject({
      verfahren: 'wohngeld', from: 'schulung', to: 'produktion', file: `${WOHNGELD}/produktion.yaml`, created: false,
      branch: 'freigabe/promote/wohngeld/produktion', missing: [],
      components: [{ name: 'web', before: `registry.itdz.example/wohngeld/web@sha256:${DIGEST.a}`, after: `registry.itdz.example/wohngeld/web@sha256:${DIGEST.d}` }],
    });
    expect(p.title).toBe('Promotion wohngeld nach Produktion: web');
    expect(p.body).toContain(promotionMarker('wohngeld', 'produktion'));
    expect(p.body).toContain(`\`sha256:${DIGEST.a}\` | \`sha256:${DIGEST.d}\``);
    expect(p.body).toContain('[o/r#7](https://github.com/o/r/pull/7)');
  });

  test('the proposal is the booking it claims to be', () => {
    const result = proposePromotion({ estate: head, verfahren: 'wohngeld', from: 'schulung' });
    if (!result.ok) throw new Error(result.reason);
    const after = estateOf(fixtureSnapshot({ [`${WOHNGELD}/schulung.yaml`]: withDigest('web', DIGEST.d), [result.proposal.file]: result.proposal.text }));
    expect(after.verfahren.get('wohngeld')?.bookings.get('produktion')?.data.spec.components.map((c) => c.image)).toEqual([
      `registry.itdz.example/wohngeld/web@sha256:${DIGEST.d}`,
      `registry.itdz.example/wohngeld/postgres@sha256:${DIGEST.c}`,
    ]);
  });

  test('English title and body with locale en', () => {
    const result = proposePromotion({ estate: head, verfahren: 'wohngeld', from: 'schulung', locale: 'en' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.proposal.title).toBe('Promotion wohngeld to Produktion: web');
    expect(result.proposal.body).toContain('proposes the same digests for **Produktion**');
  });

  test('a stage without booking gets a copy of the source booking with its stage changed', () => {
    const estate = estateOf(fixtureSnapshot());
    const result = proposePromotion({ estate, verfahren: 'kita-portal', from: 'schulung' });
    if (!result.ok) throw new Error(result.reason);
    const source = fixtureFiles()['environments/verfahren/kita-portal/schulung.yaml'];
    expect(result.proposal.created).toBe(true);
    expect(result.proposal.file).toBe('environments/verfahren/kita-portal/produktion.yaml');
    expect(result.proposal.text).toBe(source.replace('stage: schulung', 'stage: produktion'));
    expect(result.proposal.body).toContain('hatte noch keine Buchung');
  });

  test('nothing to propose: last stage, unchanged images, unknown booking', () => {
    const estate = estateOf(fixtureSnapshot());
    expect(proposePromotion({ estate, verfahren: 'wohngeld', from: 'produktion' })).toMatchObject({ ok: false, reason: 'last-stage' });
    expect(proposePromotion({ estate, verfahren: 'wohngeld', from: 'schulung' })).toMatchObject({ ok: false, reason: 'up-to-date' });
    expect(proposePromotion({ estate, verfahren: 'kita-portal', from: 'abnahme' })).toMatchObject({ ok: false, reason: 'no-booking' });
    expect(proposePromotion({ estate, verfahren: 'wohngeld', from: 'nirgendwo' })).toMatchObject({ ok: false, reason: 'unknown-stage' });
    expect(nextStage(estate, 'abnahme')).toBe('schulung');
  });

  test('components the next stage does not book are listed, not added', () => {
    const estate = estateOf(fixtureSnapshot({
      [`${WOHNGELD}/schulung.yaml`]: (t) => withDigest('web', DIGEST.d)(t) + `    - name: worker\n      image: registry.itdz.example/wohngeld/worker@sha256:${DIGEST.e}\n      size: S\n      replicas: 1\n`,
    }));
    const result = proposePromotion({ estate, verfahren: 'wohngeld', from: 'schulung' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.proposal.missing).toEqual(['worker']);
    expect(result.proposal.text).not.toContain('worker');
    expect(promotionBranch('wohngeld', 'produktion')).toBe(result.proposal.branch);
  });

  test('flow-style components are edited in place too', () => {
    const flow = `apiVersion: freigabe/v1\nkind: Booking\nmetadata: { name: wohngeld, stage: produktion }\nspec:\n  components:\n    - { name: web, image: 'registry.itdz.example/wohngeld/web@sha256:${DIGEST.a}', size: M, replicas: 2 } # flow\n`;
    const estate = estateOf(fixtureSnapshot({ [`${WOHNGELD}/schulung.yaml`]: withDigest('web', DIGEST.d), [`${WOHNGELD}/produktion.yaml`]: flow }));
    const result = proposePromotion({ estate, verfahren: 'wohngeld', from: 'schulung' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.proposal.text).toBe(flow.replace(`sha256:${DIGEST.a}`, `sha256:${DIGEST.d}`));
  });
});
