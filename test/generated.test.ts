import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { generate } from '../scripts/gen-core.mjs';

const root = join(import.meta.dirname, '..');

// Types, embedded schemas and built-in templates are generated from schemas/ and templates/;
// this fails when someone edits one side only. Fix with `npm run generate`.
test('generated core modules match schemas/ and templates/', async () => {
  const files = (await generate()) as Record<string, string>;
  expect(Object.keys(files).length).toBe(5);
  for (const [path, text] of Object.entries(files)) {
    expect(readFileSync(join(root, path), 'utf8'), `${path} is stale: run npm run generate`).toBe(text);
  }
});
