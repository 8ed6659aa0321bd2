/**
 * loadEstateInSlices and renderEstateInSlices: the publication hands the event loop back between
 * files and directories (so a replica keeps answering webhooks while it loads and renders a large
 * estate) and gets exactly what loadEstate and renderEstate give.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { renderEstate, renderEstateInSlices } from '../../src/core/render.js';
import { loadEstate, loadEstateInSlices, loadSettings } from '../../src/core/load.js';
import { readDirectorySnapshot } from '../../src/cli/read-dir.js';
import { diffStageTree, diffStageTreeInSlices, gitBlobSha, stageFiles } from '../../src/core/publication.js';

const root = join(import.meta.dirname, '..', '..');

function exampleSnapshot() {
  return readDirectorySnapshot(root, 'de').snapshot;
}

function exampleEstate() {
  const snapshot = exampleSnapshot();
  return loadEstate({ snapshot, settings: loadSettings(snapshot).value }).value;
}

test('loading in slices: the same estate and findings; with a zero-length slice it pauses before every file', async () => {
  const snapshot = exampleSnapshot();
  const settings = loadSettings(snapshot).value;
  const whole = loadEstate({ snapshot, settings });
  let pauses = 0;
  const sliced = await loadEstateInSlices({ snapshot, settings }, async () => {
    pauses++;
  }, 0);
  expect(sliced).toEqual(whole);
  expect(whole.value.verfahren.size).toBeGreaterThan(3);
  expect(pauses).toBe(snapshot.files.size);
});

test('the same files and findings as renderEstate; with a zero-length slice it pauses after every directory', async () => {
  const estate = exampleEstate();
  const whole = renderEstate({ estate });
  let pauses = 0;
  const sliced = await renderEstateInSlices({ estate }, async () => {
    pauses++;
  }, 0);
  expect([...sliced.files]).toEqual([...whole.files]);
  expect(sliced.diagnostics).toEqual(whole.diagnostics);
  // one pause per rendered Fachverfahren directory (each stage's kustomization lists them)
  const directories = [...whole.files.keys()].filter((f) => /^[^/]+\/[^/_][^/]*\/kustomization\.yaml$/.test(f)).length;
  expect(directories).toBeGreaterThan(10);
  expect(pauses).toBe(directories);
});

test('a slice longer than the work: no pause at all', async () => {
  let pauses = 0;
  const clock = 0;
  await renderEstateInSlices({ estate: exampleEstate() }, async () => {
    pauses++;
  }, 1000, () => clock);
  expect(pauses).toBe(0);
});

test('comparing a stage tree in slices: the same diff; with a zero-length slice it pauses after every file', async () => {
  const files = stageFiles(renderEstate({ estate: exampleEstate() }).files, 'produktion');
  const current = [...files].slice(0, 5).map(([path, text]) => ({ path, type: 'blob', sha: gitBlobSha(text) }));
  current.push({ path: 'gone/configmap-x.yaml', type: 'blob', sha: '0'.repeat(40) });
  const whole = diffStageTree({ files, current, prefix: '' });
  let pauses = 0;
  const sliced = await diffStageTreeInSlices({ files, current, prefix: '' }, async () => {
    pauses++;
  }, 0);
  expect(sliced).toEqual(whole);
  expect(whole.deletions).toEqual(['gone/configmap-x.yaml']);
  expect(whole.upserts).toHaveLength(files.size - 5);
  expect(pauses).toBe(files.size);
});
