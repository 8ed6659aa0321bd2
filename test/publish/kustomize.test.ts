/**
 * The files freigabe would commit (the upserts of a first publication of every stage) build
 * with the real `kubectl kustomize`: each Fachverfahren directory, and the stage root that
 * Flux applies.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { load } from 'js-yaml';
import { diffStageTree, stageFiles, verfahrenOfPaths } from '../../src/core/publication.js';
import { renderEstate } from '../../src/core/render.js';
import { stageNames } from '../../src/core/model.js';
import { estateOf, fixtureSnapshot } from './fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function kustomize(dir: string): Array<{ kind: string; metadata: { name: string; namespace?: string } }> {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split(/^---$/m).map((d) => load(d) as { kind: string; metadata: { name: string; namespace?: string } }).filter(Boolean);
}

describe('kubectl kustomize over what freigabe commits', () => {
  const estate = estateOf(fixtureSnapshot());
  const rendered = renderEstate({ estate, repoURL: 'https://github.com/itdz/estate.git' });

  test('the fixture renders without findings', () => {
    expect(rendered.diagnostics).toEqual([]);
  });

  for (const mode of ['rendered branch', 'deploy repository'] as const) {
    for (const stage of stageNames(estate)) {
      test(`${mode}: ${stage}`, () => {
        const prefix = mode === 'rendered branch' ? '' : `${stage}/`;
        const { upserts, deletions } = diffStageTree({ files: stageFiles(rendered.files, stage), current: [], prefix });
        expect(deletions).toEqual([]);
        const root = mkdtempSync(join(tmpdir(), `freigabe-kustomize-${stage}-`));
        dirs.push(root);
        for (const u of upserts) {
          mkdirSync(dirname(join(root, u.path)), { recursive: true });
          writeFileSync(join(root, u.path), u.text);
        }
        const verfahren = verfahrenOfPaths(upserts.map((u) => u.path), prefix);
        expect(verfahren.length).toBeGreaterThan(0);
        for (const v of verfahren) {
          const objects = kustomize(join(root, prefix, v));
          const kinds = objects.map((o) => o.kind);
          expect(kinds).toContain('Namespace');
          expect(kinds).toContain('ResourceQuota');
          expect(kinds).toContain('NetworkPolicy');
          expect(kinds.some((k) => k === 'Deployment' || k === 'StatefulSet')).toBe(true);
          for (const o of objects.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(`${v}-${stage}`);
        }
        // The stage root (Flux's path) builds every Fachverfahren at once, without _bootstrap.
        const all = kustomize(join(root, prefix));
        expect(new Set(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name))).toEqual(new Set(verfahren.map((v) => `${v}-${stage}`)));
        expect(all.some((o) => o.kind === 'ApplicationSet')).toBe(false);
        // The bootstrap objects are committed too and are valid YAML objects.
        const bootstrap = upserts.filter((u) => u.path.startsWith(`${prefix}_bootstrap/`)).map((u) => (load(u.text) as { kind: string }).kind).sort();
        expect(bootstrap).toEqual(['ApplicationSet', 'GitRepository', 'Kustomization']);
      });
    }
  }
});
