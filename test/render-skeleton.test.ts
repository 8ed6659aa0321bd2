/**
 * The skeleton fast path (render-templates.ts) must give exactly what running the template
 * normally and parsing its text gives — for every template and every context we have, and for
 * templates that try to confuse it.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtinTemplates } from '../src/core/generated/builtin-templates.js';
import { COMPILE_OPTIONS, compileFromText, compileTemplate, renderTemplate, runTemplate, TemplateError, type CompiledTemplate } from '../src/core/render-templates.js';
import { directoryModel, estateFacts } from '../src/core/render-model.js';
import { emitYaml } from '../src/core/yaml-safe.js';
import type { Estate } from '../src/core/model.js';
import { estateFrom, FIXTURES, readTree } from './fixtures/render/load.js';
import { HOSTILE_VALUES } from './fixtures/render/hostile.js';

function contexts(estate: Estate): object[] {
  const facts = estateFacts(estate);
  const out: object[] = [];
  for (const stage of estate.platform!.data.spec.stages) {
    for (const entry of estate.verfahren.values()) {
      const booking = entry.bookings.get(stage.name);
      if (!entry.doc || !booking) continue;
      const m = directoryModel({ facts, verfahren: entry.doc, booking, stage });
      if (!m.ok) continue;
      out.push(m.model, ...m.model.components.map((component) => ({ ...m.model, component })));
    }
  }
  return out;
}

const basicFiles = readTree(join(FIXTURES, 'basic'));
const example = readTree(join(import.meta.dirname, '..', 'environments'));
const hostileEnv = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`V${i}`, v]));
const hostileBooking = basicFiles['environments/verfahren/wohngeld/vorpruefung.yaml'].replace('env: { LOG_LEVEL: debug }', `env: ${JSON.stringify(hostileEnv)}`);
const ALL_CONTEXTS = [
  ...contexts(estateFrom(basicFiles)),
  ...contexts(estateFrom(Object.fromEntries(Object.entries(example).map(([p, t]) => [`environments/${p}`, t])))),
  ...contexts(estateFrom({ ...basicFiles, 'environments/verfahren/wohngeld/vorpruefung.yaml': hostileBooking })),
];

function bothPaths(template: CompiledTemplate, context: object) {
  const fast = renderTemplate(template, context, true);
  const slow = renderTemplate(template, context, false);
  return { fast, slow };
}

function compiled(text: string): CompiledTemplate {
  const t = compileTemplate(text);
  if (t instanceof TemplateError) throw t;
  return t;
}

describe('skeleton path equals the text path', () => {
  test('for every built-in template and every context of the fixtures and the example estate', () => {
    expect(ALL_CONTEXTS.length).toBeGreaterThan(100);
    let fastUsed = 0;
    for (const [name, text] of Object.entries(builtinTemplates)) {
      if (name.startsWith('argocd') || name.startsWith('flux')) continue;
      const t = compiled(text);
      for (const context of ALL_CONTEXTS) {
        if (!('component' in context) && ['workload', 'service', 'ingress', 'poddisruptionbudget'].some((p) => name.startsWith(p))) continue;
        const { fast, slow } = bothPaths(t, context);
        if (slow instanceof TemplateError) {
          // e.g. the ingress template for a component without ingress: both fail alike.
          expect(fast, name).toEqual(slow);
          continue;
        }
        expect(fast, name).not.toBeInstanceOf(TemplateError);
        const f = fast as Exclude<typeof fast, TemplateError>;
        expect(f.documents, name).toEqual(slow.documents);
        if (f.canonical !== undefined) {
          fastUsed++;
          expect(f.canonical, name).toBe(emitYaml(slow.documents![0]));
        }
      }
    }
    expect(fastUsed).toBeGreaterThan(500);
  });

  const tricky: [string, string, boolean][] = [
    ['a value twice', 'a: {{yaml x}}\nb: {{yaml x}}\n', true],
    ['a value as a key', '{{yaml x}}: 1\n', false],
    ['a value inside a longer plain scalar', 'a: pre-{{yaml x}}\n', false],
    ['a value inside single quotes', "a: 'pre {{yaml x}}'\n", false],
    ['a value in a comment', 'a: 1\n# {{yaml x}}\n', false],
    ['a forged marker in the template', 'a: "__fg_slot_0__"\nb: {{yaml x}}\n', false],
    ['a flow sequence of values', 'a: [{{yaml x}}, {{yaml n}}]\n', true],
    ['a value after a tag', 'a: !!str {{yaml n}}\n', false],
    ['a value after a tag on another key', 'a: !!str 1\nb: {{yaml n}}\n', false],
    ['two documents', 'a: {{yaml x}}\n---\nb: 1\n', false],
  ];
  for (const [name, text, usesSkeleton] of tricky) {
    test(`a template with ${name}`, () => {
      const values: [unknown, unknown][] = [['plain', 7], ['__fg_slot_0__', -0], ['a: b\n---\nc', 1e21], ['', 0.1], ['x', 2 ** 60], ['y', true], ['z', null], ['q', 12n]];
      for (const [x, n] of values) {
        const { fast, slow } = bothPaths(compiled(text), { x, n });
        const strip = (r: typeof fast) => (r instanceof TemplateError ? r.message : { documents: r.documents, parseError: r.parseError });
        expect(strip(fast), String(x)).toEqual(strip(slow));
        expect(!(fast instanceof TemplateError) && fast.canonical !== undefined, String(x)).toBe(usesSkeleton);
      }
    });
  }
});

describe('precompiled built-in templates (src/core/generated/builtin-compiled.ts)', () => {
  test('are compiled with the options the runtime compiles overrides with', async () => {
    // @ts-expect-error plain ESM script without type declarations
    const { TEMPLATE_COMPILE_OPTIONS } = await import('../scripts/gen-core.mjs');
    expect(TEMPLATE_COMPILE_OPTIONS).toEqual(COMPILE_OPTIONS);
  });

  test('every built-in passes the syntax check that overrides must pass', () => {
    for (const [name, text] of Object.entries(builtinTemplates)) expect(compileFromText(text), name).not.toBeInstanceOf(TemplateError);
  });

  test('give the same text as compiling the template, for every context, with and without slots', () => {
    let compared = 0;
    for (const [name, text] of Object.entries(builtinTemplates)) {
      const pre = compileTemplate(text);
      const fromText = compileFromText(text);
      if (pre instanceof TemplateError || fromText instanceof TemplateError) throw new Error(name);
      for (const context of [...ALL_CONTEXTS, { stage: {}, bootstrap: {} }]) {
        expect(runTemplate(pre, context), name).toEqual(runTemplate(fromText, context));
        const a: unknown[] = [];
        const b: unknown[] = [];
        expect(runTemplate(pre, context, { slots: a }), name).toEqual(runTemplate(fromText, context, { slots: b }));
        expect(a).toEqual(b);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(13 * 20);
  });
});
