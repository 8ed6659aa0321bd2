/**
 * Issue 11: `freigabe audit` does not take trailers at their word. A commit with forged
 * `Freigabe-*` trailers is marked as not made by freigabe; freigabe's own commits carry its
 * bot's address and a signature (GitHub signs what an app commits through the API). The
 * signature is made here with a throwaway key in a temporary GnuPG home, standing in for
 * GitHub's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditCommand, madeByFreigabe } from '../../src/cli/audit.js';
import { commitMessage } from '../../src/core/publication.js';

const BOT = '41898282+freigabe[bot]@users.noreply.github.com';
let dir: string;
let repo: string;
let gnupg: string;
let emptyGnupg: string;

const as = (email: string) => ({ GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: email });
function git(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GNUPGHOME: gnupg, ...env } });
}

async function audit(home: string): Promise<{ entries: { subject: string; byFreigabe: boolean; signature: string; approvedBy: { login: string }[] }[]; text: string }> {
  const saved = process.env.GNUPGHOME;
  process.env.GNUPGHOME = home;
  try {
    let json = '';
    let text = '';
    expect(await auditCommand(['--repo', repo, '--format', 'json'], { stdout: (s) => (json += s), stderr: () => {} })).toBe(0);
    expect(await auditCommand(['--repo', repo], { stdout: (s) => (text += s), stderr: () => {} })).toBe(0);
    return { entries: JSON.parse(json).entries, text };
  } finally {
    if (saved === undefined) delete process.env.GNUPGHOME;
    else process.env.GNUPGHOME = saved;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'freigabe-audit-own-'));
  repo = join(dir, 'repo');
  gnupg = join(dir, 'gnupg');
  emptyGnupg = join(dir, 'gnupg-empty');
  mkdirSync(gnupg, { mode: 0o700 });
  mkdirSync(emptyGnupg, { mode: 0o700 });
  execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', `freigabe[bot] <${BOT}>`, 'ed25519', 'sign', 'never'], { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' });
  const fpr = execFileSync('gpg', ['--list-secret-keys', '--with-colons'], { env: { ...process.env, GNUPGHOME: gnupg }, encoding: 'utf8' })
    .split('\n')
    .find((l) => l.startsWith('fpr:'))!
    .split(':')[9];
  mkdirSync(repo);
  git(['init', '-q', '-b', 'rendered/produktion']);
  const commit = (n: number, message: string, env: Record<string, string>, sign: boolean) => {
    writeFileSync(join(repo, `f${n}`), `${n}\n`);
    writeFileSync(join(dir, 'MSG'), message);
    git(['add', `f${n}`]);
    git(['-c', `user.signingkey=${fpr}`, 'commit', '-q', ...(sign ? ['-S'] : ['--no-gpg-sign']), '-F', join(dir, 'MSG')], { ...env, GIT_AUTHOR_DATE: `2025-03-0${n}T10:00:00Z`, GIT_COMMITTER_DATE: `2025-03-0${n}T10:00:00Z` });
  };
  const message = (subject: string) => `${subject}\n\n${commitMessage({ stage: 'produktion', source: '1'.repeat(40), approvedBy: [{ login: 'm-schulz', at: '2025-03-01T09:00:00Z', sha: 'f'.repeat(40) }], notfall: false, verfahren: [] }).split('\n\n').at(-1)}`;
  commit(1, message('own'), as(BOT), true);
  commit(2, message('forged by mallory'), as('mallory@example.invalid'), false);
  commit(3, message('bot address, no signature'), as(BOT), false);
});

afterAll(() => {
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' });
  } catch {
    // no agent was started
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('freigabe audit marks commits freigabe did not make', () => {
  test('attack: forged Freigabe-* trailers by someone else, or the bot address without a signature — marked, in JSON and text', async () => {
    const { entries, text } = await audit(gnupg);
    const by = (subject: string) => entries.find((e) => e.subject === subject)!;
    expect(by('forged by mallory')).toMatchObject({ byFreigabe: false, signature: 'none', approvedBy: [{ login: 'm-schulz' }] });
    expect(by('bot address, no signature')).toMatchObject({ byFreigabe: false, signature: 'none' });
    expect(by('own')).toMatchObject({ byFreigabe: true, signature: 'good' });
    expect(text.match(/NICHT VON FREIGABE ERSTELLT/g)).toHaveLength(2);
  });

  test('without the signing key in the keyring: still freigabe’s, the signature reported as not checked', async () => {
    const { entries, text } = await audit(emptyGnupg);
    expect(entries.find((e) => e.subject === 'own')).toMatchObject({ byFreigabe: true, signature: 'unchecked' });
    expect(text).toContain('Signatur nicht geprüft');
  });

  test('the app slug decides whose bot counts', () => {
    const c = { authorEmail: BOT, committerEmail: BOT, signature: 'G' };
    expect(madeByFreigabe(c, 'freigabe')).toBe(true);
    expect(madeByFreigabe(c, 'other-app')).toBe(false);
    expect(madeByFreigabe({ ...c, signature: 'B' }, 'freigabe')).toBe(false);
  });
});
