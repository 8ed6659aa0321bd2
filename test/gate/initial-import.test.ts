import { describe, expect, test } from 'vitest';
import { computeChanges } from '../../src/core/changes.js';
import { checkStageOrder } from '../../src/core/promotion.js';
import { applyEdits, baseFiles, estateOf, setImage, W } from '../fixtures/gate/builder.js';

describe('stage order and the initial import of an estate', () => {
  test('a base without any estate file: every stage may be filled at once', () => {
    const base = estateOf({ 'README.md': '# estate\n' }).estate;
    const head = estateOf(baseFiles()).estate;
    const changes = computeChanges({ base, head });
    expect(changes.some((c) => c.kind === 'created' && c.stage === 'produktion')).toBe(true);
    expect(checkStageOrder({ base, head, changes })).toEqual({ diagnostics: [], emergency: false });
  });

  test('a base whose estate files are broken is not an initial import: the order still holds', () => {
    const broken = { ...baseFiles(), 'environments/platform.yaml': 'kind: [unclosed\n' };
    // A digest that runs nowhere yet.
    const head = applyEdits(baseFiles(), { [`${W}/produktion.yaml`]: setImage('web', `registry.itdz.example/wohngeld/web@sha256:${'f'.repeat(64)}`) });
    const base = estateOf(broken).estate;
    expect(base.platform).toBeUndefined();
    const headEstate = estateOf(head).estate;
    const result = checkStageOrder({ base, head: headEstate, changes: computeChanges({ base, head: headEstate }) });
    expect(result.diagnostics.map((d) => d.code)).toContain('stage-order');
  });
});
