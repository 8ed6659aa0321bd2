/**
 * The renderers: JSON field names and the chunked JSON, Markdown within GitHub's comment limit
 * and safe against estate values, text colour only when asked.
 */
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { plan, type Plan } from '../../src/core/plan.js';
import { findingsJson, planJsonChunks, planToJson } from '../../src/report/json.js';
import { escapeCell, formatApprovalMarkdown, formatFindingsMarkdown, formatPlanMarkdown } from '../../src/report/markdown.js';
import { formatFindingsText, formatPlanText, planTextChunks } from '../../src/report/text.js';
import { EstateBuilder } from '../helpers/estate.js';

function replicaPlan(): Plan {
  const b = EstateBuilder.minimal();
  const base = b.snapshot();
  b.booking('demo', 'abnahme', (d) => {
    d.spec.components[0].replicas = 2;
  });
  return plan({ base, head: b.snapshot(), today: '2026-06-01' });
}

const finding = (over: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  code: 'unknown-size',
  file: 'environments/verfahren/demo/abnahme.yaml',
  line: 12,
  path: '/spec/components/0/size',
  params: { size: 'XXL', known: 'S, M' },
  ...over,
});

describe('JSON', () => {
  test('findings carry exactly the contract fields; path null when absent', () => {
    const [a, b] = findingsJson([finding(), finding({ path: undefined, code: 'platform-missing', params: {} })], 'de');
    expect(Object.keys(a).sort()).toEqual(['code', 'file', 'line', 'message', 'path', 'severity']);
    expect(a).toMatchObject({ severity: 'error', code: 'unknown-size', line: 12, path: '/spec/components/0/size' });
    expect(a.message).toContain('XXL');
    expect(b.path).toBeNull();
  });

  test('the chunked plan JSON is the same object as planToJson', () => {
    const p = replicaPlan();
    expect(p.manifests.length).toBeGreaterThan(1);
    const chunks = [...planJsonChunks(p, 'en')];
    expect(chunks.length).toBe(p.manifests.length + 2);
    expect(JSON.parse(chunks.join(''))).toEqual(JSON.parse(JSON.stringify(planToJson(p, 'en'))));
    const empty = { ...p, manifests: [] };
    expect(JSON.parse([...planJsonChunks(empty, 'de')].join('')).manifests).toEqual([]);
  });
});

describe('Markdown', () => {
  test('the plan comment: verdict, approvals, Kontingent, cost, collapsed diff', () => {
    const md = formatPlanMarkdown(replicaPlan(), { locale: 'de' });
    expect(md).toMatch(/^### freigabe: Plan\n\n✅ \*\*Plan ohne Fehler\.\*\*/);
    expect(md).toContain('⏳ Eine Freigabe nötig.');
    expect(md).toContain('| `amt` | CPU (Kerne) | gesamt | 10 | 1 | 1,5 | +0,5 |');
    expect(md).toContain('| `amt` | 1.000,00\u00a0€ | 20,00\u00a0€ | 30,00\u00a0€ | +10,00\u00a0€ |');
    expect(md).toContain('| Abnahme (abnahme) | `demo` | Buchung | `web`: 1× → 2× |');
    expect(md).toMatch(/<details><summary>\d+ Dateien \(\d+ neu, 0 entfernt, \d+ geändert\)<\/summary>\n\n```diff\n--- a\/abnahme\/demo\//);
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
  });

  test('a huge diff is cut below maxChars, with a note; tables stay', () => {
    const p = replicaPlan();
    const big = Array.from({ length: 400 }, (_, i) => ({
      path: `produktion/fv-${i}/deployment-web.yaml`,
      status: 'added' as const,
      diff: `--- /dev/null\n+++ b/produktion/fv-${i}/deployment-web.yaml\n@@ -0,0 +1,200 @@\n${'+line of yaml\n'.repeat(200)}`,
    }));
    for (const maxChars of [65_000, 20_000, 5_000]) {
      const md = formatPlanMarkdown({ ...p, manifests: big }, { locale: 'en', maxChars });
      expect(md.length).toBeLessThanOrEqual(maxChars);
      expect(md).toMatch(/Truncated: showing \d+ of 400 files/);
      expect(md).toContain('#### Kontingent');
      expect(md).toContain('</details>');
      // cut at a line end, fences balanced
      expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
  });

  test('thousands of findings are cut row by row; the output stays below the limit', () => {
    const many = Array.from({ length: 5000 }, (_, i) => finding({ line: i + 1 }));
    const md = formatFindingsMarkdown(many, { locale: 'de', maxChars: 10_000 });
    expect(md.length).toBeLessThanOrEqual(10_000);
    expect(md).toMatch(/Gekürzt: \d+ von 5000 Befunden gezeigt\./);
    const p = { ...replicaPlan(), findings: many, ok: false };
    const comment = formatPlanMarkdown(p, { locale: 'de', maxChars: 30_000 });
    expect(comment.length).toBeLessThanOrEqual(30_000);
    expect(comment).toContain('#### Kosten pro Monat');
  });

  test('estate values cannot break a table, inject HTML or mention people', () => {
    expect(escapeCell('a|b\nc <img src=x> @org/team `x`')).toBe('a\\|b c &lt;img src=x&gt; @&#8203;org/team \\`x\\`');
    const md = formatFindingsMarkdown([finding({ params: { size: '</details>|@everyone', known: 'S' } })], { locale: 'de' });
    expect(md).not.toContain('</details>');
    expect(md).not.toMatch(/[^\u200b;]@everyone/);
    const approval = formatApprovalMarkdown(
      { satisfied: false, requirements: [{ reason: 'Produktion von demo', verfahren: 'demo', stage: 'produktion', approvers: ['@amt/leitung', 'v-v'], min: 1, approvedBy: [], blockedBy: ['x-y'] }] },
      { locale: 'en', decided: true },
    );
    expect(approval).toContain('`@amt/leitung`, `v-v` (one approval)');
    expect(approval).toContain('⛔ blocked');
  });
});

describe('text', () => {
  test('no escape sequences unless colour is on', () => {
    expect(formatFindingsText([finding()], { locale: 'de' })).not.toContain('\x1b[');
    expect(formatFindingsText([finding()], { locale: 'de', color: true })).toContain('\x1b[');
    expect(formatFindingsText([finding()], { locale: 'en' })).toBe(
      'environments/verfahren/demo/abnahme.yaml:12: error [unknown-size] ' + findingsJson([finding()], 'en')[0].message + '\n1 error, 0 warnings\n',
    );
  });

  test('the plan in pieces equals the plan in one string; the diff is not indented', () => {
    const p = replicaPlan();
    const text = formatPlanText(p, { locale: 'de' });
    expect([...planTextChunks(p, { locale: 'de' })].join('')).toBe(text);
    expect(text).toMatch(/^--- a\/abnahme\/demo\/deployment-web\.yaml$/m);
    expect(text.trimEnd().endsWith('✔ Plan ohne Fehler.')).toBe(true);
    expect(formatPlanText(p, { locale: 'de', diff: false })).not.toContain('--- a/');
  });
});
