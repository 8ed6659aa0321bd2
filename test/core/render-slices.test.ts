/**
 * renderEstateInSlices: the publication's render hands the event loop back between directories
 * (so a replica keeps answering webhooks while it renders a large estate) and renders exactly
 * what renderEstate renders.
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { renderEstate, renderEstateInSlices } from '../../src/core/render.js';
import { loadEstate, loadSettings } from '../../src/core/load.js';
import { readDirectorySnapshot } from '../../src/cli/read-dir.js';

const root = join(import.meta.dirname, '..', '..');

function exampleEstate() {
  const { snapshot } = readDirectorySnapshot(root, 'de');
  return loadEstate({ snapshot, settings: loadSettings(snapshot).value }).value;
}

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
