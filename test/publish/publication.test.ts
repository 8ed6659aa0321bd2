import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadEstate } from '../../src/core/load.js';
import {
  commitMessage,
  diffStageTree,
  gitBlobSha,
  parseTrailers,
  renderedStages,
  stageFiles,
  trailerLines,
  verfahrenOfPaths,
} from '../../src/core/publication.js';
import { fixtureSnapshot } from './fixture.js';
import { stageTargets } from '../../src/github/publication/publish.js';

describe('the fixture estate', () => {
  test('loads without findings', () => {
    expect(loadEstate({ snapshot: fixtureSnapshot() }).diagnostics).toEqual([]);
  });
});

describe('gitBlobSha', () => {
  test('equals git hash-object, also for non-ASCII text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'freigabe-blob-'));
    const text = 'kind: Namespace\nmetadata:\n  name: wohngeld-prüfung\n';
    writeFileSync(join(dir, 'f'), text);
    expect(gitBlobSha(text)).toBe(execFileSync('git', ['hash-object', join(dir, 'f')], { encoding: 'utf8' }).trim());
    expect(gitBlobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });
});

describe('stageFiles and diffStageTree', () => {
  const rendered = new Map([
    ['produktion/wohngeld/kustomization.yaml', 'k\n'],
    ['produktion/wohngeld/deployment-web.yaml', 'web-v2\n'],
    ['produktion/_bootstrap/applicationset.yaml', 'appset\n'],
    ['schulung/wohngeld/kustomization.yaml', 'k\n'],
  ]);

  test('splits the render output by stage', () => {
    expect(renderedStages(rendered)).toEqual(['produktion', 'schulung']);
    expect([...stageFiles(rendered, 'produktion').keys()]).toEqual(['_bootstrap/applicationset.yaml', 'wohngeld/deployment-web.yaml', 'wohngeld/kustomization.yaml']);
  });

  test('uploads only changed files and deletes what is no longer rendered', () => {
    const files = stageFiles(rendered, 'produktion');
    const current = [
      { path: 'wohngeld', type: 'tree', sha: 't1' },
      { path: 'wohngeld/kustomization.yaml', type: 'blob', sha: gitBlobSha('k\n') },
      { path: 'wohngeld/deployment-web.yaml', type: 'blob', sha: gitBlobSha('web-v1\n') },
      { path: '_bootstrap/applicationset.yaml', type: 'blob', sha: gitBlobSha('appset\n') },
      { path: 'kita-portal/kustomization.yaml', type: 'blob', sha: gitBlobSha('k\n') },
    ];
    const diff = diffStageTree({ files, current, prefix: '' });
    expect(diff.upserts.map((u) => u.path)).toEqual(['wohngeld/deployment-web.yaml']);
    expect(diff.upserts[0].sha).toBe(gitBlobSha('web-v2\n'));
    expect(diff.deletions).toEqual(['kita-portal/kustomization.yaml']);
    expect(diff.verfahren).toEqual(['kita-portal', 'wohngeld']);
    expect(diff.bootstrap).toBe(false);
    expect(diff.unchanged).toBe(false);
  });

  test('identical tree → unchanged; a missing branch → everything new', () => {
    const files = stageFiles(rendered, 'schulung');
    expect(diffStageTree({ files, current: [{ path: 'wohngeld/kustomization.yaml', type: 'blob', sha: gitBlobSha('k\n') }], prefix: '' }).unchanged).toBe(true);
    const fresh = diffStageTree({ files: stageFiles(rendered, 'produktion'), current: [], prefix: '' });
    expect(fresh.upserts).toHaveLength(3);
    expect(fresh.bootstrap).toBe(true);
    expect(fresh.verfahren).toEqual(['wohngeld']);
  });

  test('in a deploy repository only the stage directory is ours', () => {
    const current = [
      { path: 'README.md', type: 'blob', sha: 'x' },
      { path: 'schulung/wohngeld/kustomization.yaml', type: 'blob', sha: gitBlobSha('k\n') },
      { path: 'schulung/alt/kustomization.yaml', type: 'blob', sha: 'y' },
      { path: 'produktion/wohngeld/kustomization.yaml', type: 'blob', sha: 'z' },
    ];
    const diff = diffStageTree({ files: stageFiles(rendered, 'schulung'), current, prefix: 'schulung/' });
    expect(diff.upserts).toEqual([]);
    expect(diff.deletions).toEqual(['schulung/alt/kustomization.yaml']);
    expect(verfahrenOfPaths(['schulung/alt/x.yaml', 'schulung/_bootstrap/y.yaml', 'produktion/z/k.yaml'], 'schulung/')).toEqual(['alt']);
  });
});

describe('commit message and trailers', () => {
  const params = {
    stage: 'produktion',
    stageTitle: 'Produktion',
    source: '0123456789abcdef0123456789abcdef01234567',
    pullRequest: { repository: 'ba-mitte/estate', number: 42, title: 'Wohngeld web 2024.4\nnach Produktion' },
    approvedBy: [{ login: 'm-schulz', at: '2025-01-02T10:00:00Z', sha: 'f'.repeat(40) }, { login: 'k-yilmaz', at: '2025-01-02T11:00:00Z', sha: 'f'.repeat(40) }],
    notfall: true,
    verfahren: ['wohngeld'],
  };

  test('subject, body, and one trailer per line at the end', () => {
    expect(commitMessage(params)).toBe(
      [
        'freigabe: Produktion aus 0123456789ab gerendert (#42)',
        '',
        'Pull Request: Wohngeld web 2024.4 nach Produktion',
        'Fachverfahren: wohngeld',
        'Notfalländerung.',
        '',
        'Freigabe-Source: 0123456789abcdef0123456789abcdef01234567',
        'Freigabe-Pull-Request: ba-mitte/estate#42',
        `Freigabe-Approved-By: m-schulz 2025-01-02T10:00:00Z ${'f'.repeat(40)}`,
        `Freigabe-Approved-By: k-yilmaz 2025-01-02T11:00:00Z ${'f'.repeat(40)}`,
        'Freigabe-Notfall: true',
        'Freigabe-Stage: produktion',
        '',
      ].join('\n'),
    );
    expect(commitMessage({ ...params, locale: 'en', notfall: false, pullRequest: undefined, approvedBy: [] })).toBe(
      'freigabe: render Produktion from 0123456789ab\n\nFachverfahren: wohngeld\n\nFreigabe-Source: 0123456789abcdef0123456789abcdef01234567\nFreigabe-Stage: produktion\n',
    );
  });

  test('parseTrailers reads back what commitMessage wrote', () => {
    expect(parseTrailers(commitMessage(params))).toEqual({
      source: params.source,
      pullRequest: 'ba-mitte/estate#42',
      approvedBy: params.approvedBy,
      notfall: true,
      stage: 'produktion',
    });
  });

  test('git itself reads the same trailers', () => {
    const out = execFileSync('git', ['interpret-trailers', '--parse'], { input: commitMessage(params), encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean)).toHaveLength(6);
    expect(out).toContain('Freigabe-Stage: produktion');
  });

  test('a message without a trailer block has no trailers', () => {
    expect(trailerLines('Merge branch x\n\nSome text: not a trailer\nbut prose')).toEqual([]);
    expect(parseTrailers('just a subject')).toEqual({ approvedBy: [], notfall: false });
  });
});

describe('stageTargets', () => {
  const settingsOf = (yml: string) => loadEstate({ snapshot: { files: new Map([['.github/freigabe.yml', new TextEncoder().encode(yml)]]) } }).value.settings;
  const source = { owner: 'itdz', repo: 'estate' };

  test('rendered branches by default: <prefix><stage> in the estate repository', () => {
    const targets = stageTargets({ settings: settingsOf('output:\n  branchPrefix: deploy/\n'), source, stages: ['abnahme'] });
    expect(targets.get('abnahme')).toEqual({ owner: 'itdz', repo: 'estate', branch: 'deploy/abnahme', prefix: '' });
  });

  test('a deploy repository: <stage>/ on output.branch, the branch the bootstrap objects name (main by default)', () => {
    expect(stageTargets({ settings: settingsOf('output:\n  repository: itdz/deploy\n'), source, stages: ['abnahme'] }).get('abnahme')).toEqual({
      owner: 'itdz',
      repo: 'deploy',
      branch: 'main',
      prefix: 'abnahme/',
    });
    expect(stageTargets({ settings: settingsOf('output:\n  repository: itdz/deploy\n  branch: release\n'), source, stages: ['abnahme'] }).get('abnahme')?.branch).toBe('release');
  });
});
