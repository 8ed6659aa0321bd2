/** `freigabe --help`, the unknown-command message and the README name the same commands. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { COMMANDS, main } from '../../src/cli/main.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false, cwd: process.cwd(), env: {}, now: () => new Date('2026-11-30T12:00:00Z') });
  return { code, out, err };
}

const commandsIn = (text: string): string[] => [...text.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).sort();

test.each(['de', 'en'])('--help lists every command (%s)', async (locale) => {
  const { code, out } = await run(['--help', '--locale', locale]);
  expect(code).toBe(0);
  expect(commandsIn(out)).toEqual(Object.keys(COMMANDS).sort());
});

test('an unknown command names every command', async () => {
  const { code, err } = await run(['deploy', '--locale', 'en']);
  expect(code).toBe(2);
  expect(err).toContain(`Commands: ${Object.keys(COMMANDS).join(', ')}.`);
});

test("the README's command-line block names the same commands", () => {
  const block = readme.slice(readme.indexOf('## The command line'));
  const listed = [...block.slice(0, block.indexOf('```', block.indexOf('```') + 3)).matchAll(/^freigabe ([a-z]+)/gm)].map((m) => m[1]);
  expect([...new Set(listed)].sort()).toEqual(Object.keys(COMMANDS).sort());
});
