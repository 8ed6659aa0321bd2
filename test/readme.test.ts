import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FINDING_CODES } from '../src/core/diagnostics.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

test('README lists every finding code with its severity, and no other', () => {
  const table = new Map(
    [...readme.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1], m[2]]),
  );
  expect(Object.fromEntries(table)).toEqual(FINDING_CODES);
});

test('README quick start shows install, npm start and npm test', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'));
  expect(quick).toMatch(/npm ci[\s\S]*npm start[\s\S]*npm test/);
});
