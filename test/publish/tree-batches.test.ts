/**
 * Publication writes O(stages), not O(files): file content goes inline into `POST /git/trees`
 * requests of bounded size, chained through `base_tree`; then one commit and one ref update.
 */
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, test } from 'vitest';
import { diffStageTree, treeBatches, TREE_BATCH_BOUNDS } from '../../src/core/publication.js';
import type { GitHubClient } from '../../src/github/platform/github-client.js';
import { publishStage, silentLogger } from '../../src/github/publication/publish.js';
import { GitHubMock } from '../github/openapi-mock.js';
import { GitServer } from './git-server.js';

let mock: GitHubMock | undefined;
afterEach(() => mock?.verify());

const files = (n: number, size = 100) => new Map(Array.from({ length: n }, (_, i) => [`fv-${String(i).padStart(4, '0')}/deployment.yaml`, `kind: Deployment # ${i}\n${'x'.repeat(size)}\n`]));

describe('treeBatches', () => {
  test('cuts by entry count and by bytes, keeps path order, deletions last, an oversized file alone', () => {
    const diff = diffStageTree({ files: files(7), current: [{ path: 'gone/a.yaml', type: 'blob', sha: 'a'.repeat(40) }], prefix: '' });
    const byCount = treeBatches(diff, { maxEntries: 3, maxBytes: 1e9 });
    expect(byCount.map((b) => b.length)).toEqual([3, 3, 2]);
    expect(byCount.flat().map((e) => e.path)).toEqual([...files(7).keys(), 'gone/a.yaml']);
    expect(byCount[2][1]).toEqual({ path: 'gone/a.yaml', mode: '100644', type: 'blob', sha: null });

    const entryBytes = 'fv-0000/deployment.yaml'.length + files(1).get('fv-0000/deployment.yaml')!.length;
    expect(treeBatches(diff, { maxEntries: 100, maxBytes: 2 * entryBytes }).map((b) => b.length)).toEqual([2, 2, 2, 2]);

    const big = diffStageTree({ files: new Map([['a/big.yaml', 'x'.repeat(5000)], ['b/small.yaml', 'y']]), current: [], prefix: '' });
    expect(treeBatches(big, { maxEntries: 100, maxBytes: 1000 }).map((b) => b.map((e) => e.path))).toEqual([['a/big.yaml'], ['b/small.yaml']]);
  });

  test('the default bound carries 1,000 Fachverfahren of about 1.5 KB per file in a handful of requests', () => {
    const diff = diffStageTree({ files: files(10_000, 1500), current: [], prefix: '' });
    const batches = treeBatches(diff);
    expect(batches.length).toBeLessThanOrEqual(5);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(TREE_BATCH_BOUNDS.maxEntries);
  });
});

describe('publishStage with several tree batches', () => {
  test('each batch builds on the previous tree; one commit and one ref update; no blob requests', async () => {
    mock = new GitHubMock();
    const git = new GitServer('itdz', 'estate');
    const seeded = git.seed('rendered/schulung', { 'old/deployment.yaml': 'kind: Deployment\n', 'fv-0001/deployment.yaml': 'stale\n' });
    git.expectRead(mock, 'rendered/schulung').expectWrite(mock, 'rendered/schulung', 3);
    const wanted = files(5);
    const octokit = new Octokit({ auth: 'ghs_throwaway', request: { retries: 0 } }) as unknown as GitHubClient;

    const result = await publishStage({
      octokit,
      source: { owner: 'itdz', repo: 'estate' },
      target: { owner: 'itdz', repo: 'estate', branch: 'rendered/schulung', prefix: '' },
      stage: 'schulung',
      sha: 'a'.repeat(40),
      files: wanted,
      audit: async () => ({ approvedBy: [], notfall: false }),
      locale: 'de',
      log: silentLogger,
      trustTrailers: true,
      treeBounds: { maxEntries: 2, maxBytes: 1e9 },
    });

    expect(result.status).toBe('updated');
    expect(git.files('rendered/schulung')).toEqual(wanted);
    expect(git.log('rendered/schulung').map((c) => c.sha).slice(1)).toEqual([seeded]);
    const trees = mock.find('POST', '/repos/itdz/estate/git/trees').map((r) => r.body as { base_tree?: string; tree: { path: string; content?: string; sha?: string | null }[] });
    expect(trees.map((t) => t.tree.length)).toEqual([2, 2, 2]);
    // chained: the first builds on the branch's tree, each further one on the tree just created
    const seedTree = git.commits.get(seeded)!.tree;
    expect(trees[0].base_tree).toBe(seedTree);
    const bases = trees.slice(1).map((t) => t.base_tree!);
    for (const b of bases) expect(git.trees.has(b) && b !== seedTree).toBe(true);
    expect(new Set(bases).size).toBe(2);
    expect(git.head('rendered/schulung')!.tree).not.toBe(bases[1]);
    expect(trees.flatMap((t) => t.tree).filter((e) => e.sha === null).map((e) => e.path)).toEqual(['old/deployment.yaml']);
    expect(trees.flatMap((t) => t.tree).every((e) => e.sha === null || typeof e.content === 'string')).toBe(true);
    expect(mock.find('POST', '/repos/itdz/estate/git/blobs')).toHaveLength(0);
    expect(mock.find('POST', '/repos/itdz/estate/git/commits')).toHaveLength(1);
  });
});
