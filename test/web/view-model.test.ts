import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readDirectorySnapshot } from '../../src/cli/read-dir.js';
import { kontingentTable } from '../../src/core/kontingent.js';
import { loadEstate } from '../../src/core/load.js';
import type { WorkloadStatus } from '../../src/kubernetes/workload-status.js';
import { buildDashboard, freigabenFor, splitImage, type DashboardInput, type PromotionPullRequest } from '../../src/web/view-model.js';

const root = join(import.meta.dirname, '..', '..');
const estate = loadEstate({ snapshot: readDirectorySnapshot(root, 'de').snapshot }).value;

const status = (verfahren: string, stage: string, phase: WorkloadStatus['phase'], observedAt = '2026-11-30T08:00:00Z'): WorkloadStatus => ({
  verfahren,
  stage,
  agent: 'argocd',
  phase,
  revision: 'a'.repeat(40),
  health: phase === 'synced' ? 'Healthy' : 'Degraded',
  sync: 'Synced',
  message: phase === 'synced' ? null : 'Back-off pulling image',
  observedAt,
});

const pull: PromotionPullRequest = {
  number: 42,
  url: 'https://github.com/itdz/estate/pull/42',
  title: 'Promotion wohngeld → Abnahme',
  verfahren: 'wohngeld',
  stage: 'abnahme',
  author: 'freigabe[bot]',
  createdAt: '2026-11-29T10:00:00Z',
  requestedReviewers: ['m-schulz'],
};

function input(over: Partial<DashboardInput> = {}): DashboardInput {
  return {
    estate,
    statuses: [],
    pullRequests: [],
    audit: [],
    today: '2026-11-30',
    generatedAt: '2026-11-30T08:00:00.000Z',
    repository: null,
    sources: { clusters: false, pullRequests: false, audit: false },
    ...over,
  };
}

describe('buildDashboard', () => {
  test('the matrix: one row per Fachverfahren, one cell per platform stage in stage order, compared with the previous stage', () => {
    const d = buildDashboard(input());
    expect(d.stages.map((s) => s.name)).toEqual(['vorpruefung', 'abnahme', 'schulung', 'produktion']);
    expect(d.verfahren.map((v) => v.name)).toEqual([...estate.verfahren.keys()].sort());
    const wohngeld = d.verfahren.find((v) => v.name === 'wohngeld')!;
    expect(wohngeld.cells.map((c) => c.stage)).toEqual(['vorpruefung', 'abnahme', 'schulung', 'produktion']);
    const [vp, ab, sch] = wohngeld.cells;
    expect(vp.components.every((c) => c.previous === null)).toBe(true);
    const web = ab.components.find((c) => c.name === 'web')!;
    expect(web).toMatchObject({ previous: 'different', tag: null, digest: 'sha256:46af023a844b286058ed22f0ba415f06c1a8f0125c40bc12920cfa3ce7007038' });
    expect(ab.components.find((c) => c.name === 'db')!.previous).toBe('same');
    expect(ab.matchesPrevious).toBe(false);
    expect(sch.matchesPrevious).toBe(true);
  });

  test('workload statuses and open promotion pull requests land in their cell; the newer of two observations wins', () => {
    const d = buildDashboard(
      input({
        statuses: [status('wohngeld', 'produktion', 'synced', '2026-11-30T07:00:00Z'), status('wohngeld', 'produktion', 'degraded', '2026-11-30T07:30:00Z'), status('wohngeld', 'abnahme', 'synced')],
        pullRequests: [pull],
        sources: { clusters: true, pullRequests: true, audit: false },
      }),
    );
    const cells = d.verfahren.find((v) => v.name === 'wohngeld')!.cells;
    expect(cells[3].workload?.phase).toBe('degraded');
    expect(cells[1].workload?.phase).toBe('synced');
    expect(cells[0].workload).toBeNull();
    expect(cells[1].pullRequest).toEqual({ number: 42, url: pull.url, title: pull.title });
    expect(cells[2].pullRequest).toBeNull();
  });

  test('Meine Freigaben: an open pull request or a stage behind its previous one waits for the VVs and valid Vertretungen', () => {
    const d = buildDashboard(input({ pullRequests: [pull] }));
    const mine = freigabenFor(d, 'M-Schulz');
    const abnahme = mine.find((f) => f.verfahren === 'wohngeld' && f.stage === 'abnahme')!;
    expect(abnahme.kind).toBe('pull-request');
    expect(abnahme.pullRequest?.number).toBe(42);
    expect(abnahme.components.map((c) => c.name)).toEqual(['web', 'api', 'bescheid-worker']);
    expect(abnahme.approvers).toEqual([
      { login: 'm-schulz', vertretung: false, until: null },
      { login: 'k-yilmaz', vertretung: true, until: '2027-03-31' },
    ]);
    expect(freigabenFor(d, 'k-yilmaz').map((f) => `${f.verfahren}/${f.stage}`)).toContain('wohngeld/abnahme');
    expect(d.people).toContain('k-yilmaz');
    // Vorprüfung needs no Freigabe, so a difference there waits for nobody.
    expect(d.freigaben.some((f) => f.stage === 'vorpruefung')).toBe(false);
    // Without the pull request the same stage still waits, as a pending promotion.
    expect(freigabenFor(buildDashboard(input()), 'm-schulz').find((f) => f.verfahren === 'wohngeld')?.kind).toBe('promotion-pending');
  });

  test('a Vertretung past its until date no longer counts (the approval check decides, not the dashboard)', () => {
    const d = buildDashboard(input({ today: '2027-04-01' }));
    expect(freigabenFor(d, 'k-yilmaz').filter((f) => f.verfahren === 'wohngeld')).toEqual([]);
    expect(freigabenFor(d, 'm-schulz').some((f) => f.verfahren === 'wohngeld')).toBe(true);
  });

  test('Kontingent bars are the plan\'s Kontingent table with percent and the 90 % warning level', () => {
    const d = buildDashboard(input());
    for (const tenant of d.tenants) {
      const table = kontingentTable({ base: estate, head: estate, tenants: [tenant.name] });
      expect(tenant.bars.map((b) => [b.dimension, b.stage, b.used, b.limit])).toEqual(table.map((r) => [r.dimension, r.stage, r.after, r.limit]));
      for (const b of tenant.bars) {
        if (b.percent === null) continue;
        expect(b.level).toBe(b.percent > 100 || (b.percent === 100 && b.used !== b.limit) ? 'exceeded' : b.percent >= 90 ? 'warning' : 'ok');
      }
    }
    const mitte = d.tenants.find((t) => t.name === 'bezirksamt-mitte')!;
    expect(mitte.title).toBe('Bezirksamt Mitte von Berlin');
    // The bundled estate is near its memory Kontingent (the README's example warning).
    expect(mitte.bars.find((b) => b.dimension === 'memory' && b.stage === null)!.level).toBe('warning');
    expect(mitte.bars.some((b) => b.stage === 'produktion')).toBe(true);
  });

  test('the JSON carries the API version, which inputs exist and the audit entries as given', () => {
    const audit = [{ stage: 'produktion', commit: 'f'.repeat(40), date: '2026-11-29T12:00:00Z', source: 'e'.repeat(40), pullRequest: 'itdz/estate#41', approvedBy: [{ login: 'm-schulz', at: '2026-11-29T11:00:00Z', sha: 'd'.repeat(40) }], notfall: false, verfahren: ['wohngeld'], subject: 'freigabe: Produktion aus eeeeeeeeeeee gerendert (#41)' }];
    const d = buildDashboard(input({ audit, repository: 'itdz/estate', sources: { clusters: false, pullRequests: true, audit: true } }));
    expect(d).toMatchObject({ apiVersion: 1, repository: 'itdz/estate', today: '2026-11-30', sources: { pullRequests: true, audit: true }, audit });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

test('splitImage: tag and digest', () => {
  expect(splitImage('registry:5000/a/b:1.2@sha256:abc')).toEqual({ tag: '1.2', digest: 'sha256:abc' });
  expect(splitImage('registry:5000/a/b')).toEqual({ tag: null, digest: null });
  expect(splitImage('ghcr.io/a/b:latest')).toEqual({ tag: 'latest', digest: null });
});

test('the view model is pure: no I/O module, no clock, adapters only as types', () => {
  const text = readFileSync(join(root, 'src', 'web', 'view-model.ts'), 'utf8');
  const imports = [...text.matchAll(/^import (type )?[^'"]*from '([^']+)';$/gm)].map((m) => ({ typeOnly: m[1] !== undefined, from: m[2] }));
  expect(imports.length).toBeGreaterThan(3);
  for (const i of imports) {
    expect(i.from, 'no node module, no network client').toMatch(/^\.\.\/(core|cli|kubernetes)\//);
    if (!i.from.startsWith('../core/')) expect(i.typeOnly, `${i.from} only as a type`).toBe(true);
  }
  expect(text).not.toMatch(/new Date\(\)|Date\.now\(\)|process\./);
});
