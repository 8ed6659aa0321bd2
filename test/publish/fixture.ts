/** The publish fixture estate as a Snapshot, with per-test file overrides. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { snapshotOf, type Snapshot } from '../../src/core/snapshot.js';
import { loadEstate } from '../../src/core/load.js';
import type { Estate } from '../../src/core/model.js';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'publish', 'estate');

export const DIGEST = {
  a: 'a'.repeat(64),
  b: 'b'.repeat(64),
  c: 'c'.repeat(64),
  d: 'd'.repeat(64),
  e: 'e'.repeat(64),
  f: 'f'.repeat(64),
} as const;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

export function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of walk(FIXTURE_DIR).sort()) out[relative(FIXTURE_DIR, file).split('\\').join('/')] = readFileSync(file, 'utf8');
  return out;
}

/** Fixture files with edits: a string replaces the file, null deletes it, a function maps it. */
export function fixtureSnapshot(edits: Record<string, string | null | ((text: string) => string)> = {}): Snapshot {
  const files = fixtureFiles();
  for (const [path, edit] of Object.entries(edits)) {
    if (edit === null) delete files[path];
    else if (typeof edit === 'function') files[path] = edit(files[path] ?? '');
    else files[path] = edit;
  }
  return snapshotOf(files);
}

export function estateOf(snapshot: Snapshot): Estate {
  return loadEstate({ snapshot }).value;
}

/** Sets the image digest of one component in a booking text (test helper, line based). */
export function withDigest(component: string, digest: string): (text: string) => string {
  return (text) => {
    const lines = text.split('\n');
    let inComponent = false;
    return lines
      .map((line) => {
        if (/- name: /.test(line)) inComponent = line.includes(`- name: ${component}`);
        return inComponent && /image:/.test(line) ? line.replace(/sha256:[a-f0-9]{64}/, `sha256:${digest}`) : line;
      })
      .join('\n');
  };
}

export const WOHNGELD = 'environments/verfahren/wohngeld';

export const STAGES = ['vorpruefung', 'abnahme', 'schulung', 'produktion'];
export const PROMOTE_BRANCH = 'freigabe/promote/wohngeld/produktion';
/** Head commit of the merged pull request in the scenarios. */
export const PR_HEAD = '9'.repeat(40);

/** The fixture estate with wohngeld's web component at `digest` in Schulung. */
export function withSchulung(digest: string): Record<string, string> {
  const files = fixtureFiles();
  return { ...files, [`${WOHNGELD}/schulung.yaml`]: withDigest('web', digest)(files[`${WOHNGELD}/schulung.yaml`]) };
}
