/**
 * `freigabe audit` on a real git repository made here: rendered branches with commits whose
 * messages come from commitMessage (what publish.ts writes), plus a foreign commit.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditCommand, AUDIT_CSV_COLUMNS } from '../../src/cli/audit.js';
import { commitMessage } from '../../src/core/publication.js';
import { main } from '../../src/cli/main.js';

const SRC1 = '1'.repeat(40);
const SRC2 = '2'.repeat(40);
const REVIEWED = 'f'.repeat(40);
let repo: string;

function git(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'freigabe[bot]', GIT_AUTHOR_EMAIL: 'bot@example.invalid', GIT_COMMITTER_NAME: 'freigabe[bot]', GIT_COMMITTER_EMAIL: 'bot@example.invalid', ...env },
  });
}

async function audit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await auditCommand(['--repo', repo, ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'freigabe-audit-'));
  git(['init', '-q', '-b', 'main']);
  const msg = (m: string) => writeFileSync(join(repo, '.git', 'MSG'), m);
  // git commit -F - reads stdin; simpler: write the message to a file.
  const commitWith = (files: Record<string, string | null>, message: string, date: string) => {
    msg(message);
    for (const [path, text] of Object.entries(files)) {
      if (text === null) git(['rm', '-q', path]);
      else {
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        writeFileSync(join(repo, path), text);
        git(['add', path]);
      }
    }
    git(['commit', '-q', '-F', join(repo, '.git', 'MSG')], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  };
  commitWith({ 'README.md': 'estate\n' }, 'estate', '2025-01-01T08:00:00Z');

  git(['checkout', '-q', '--orphan', 'rendered/schulung']);
  git(['rm', '-q', '-r', '--cached', '.']);
  rmSync(join(repo, 'README.md'));
  commitWith(
    { 'wohngeld/kustomization.yaml': 'a\n', 'kita-portal/kustomization.yaml': 'a\n', '_bootstrap/applicationset.yaml': 'x\n' },
    commitMessage({ stage: 'schulung', stageTitle: 'Schulung', source: SRC1, pullRequest: { repository: 'ba-mitte/estate', number: 41 }, approvedBy: [{ login: 'm-schulz', at: '2025-01-02T09:00:00Z', sha: REVIEWED }], notfall: false, verfahren: ['kita-portal', 'wohngeld'], bootstrap: true }),
    '2025-01-02T10:00:00Z',
  );
  commitWith(
    { 'wohngeld/kustomization.yaml': 'b\n' },
    commitMessage({ stage: 'schulung', stageTitle: 'Schulung', source: SRC2, pullRequest: { repository: 'ba-mitte/estate', number: 42 }, approvedBy: [{ login: 'm-schulz', at: '2025-01-03T09:00:00Z', sha: REVIEWED }, { login: 'k-yilmaz', at: '2025-01-03T09:30:00Z', sha: REVIEWED }], notfall: true, verfahren: ['wohngeld'] }),
    '2025-01-03T10:00:00Z',
  );
  git(['checkout', '-q', '--orphan', 'rendered/produktion']);
  git(['rm', '-q', '-r', '--cached', '.']);
  commitWith({ 'wohngeld/kustomization.yaml': 'a\n' }, 'manual commit, "quoted", by someone', '2025-01-02T12:00:00Z');
  git(['checkout', '-q', 'main']);
});

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('freigabe audit', () => {
  test('text (German by default): newest first, who, when, source, PR, Notfall', async () => {
    const { code, out, err } = await audit([]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const blocks = out.trim().split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toContain('2025-01-03T10:00:00Z  schulung');
    expect(blocks[0]).toContain('NOTFALLÄNDERUNG');
    expect(blocks[0]).toContain('Fachverfahren: wohngeld');
    expect(blocks[0]).toContain(`Quelle: ${SRC2}  Pull Request: ba-mitte/estate#42`);
    expect(blocks[0]).toContain(`Freigegeben von: m-schulz (2025-01-03T09:00:00Z, auf ${REVIEWED.slice(0, 12)})`);
    expect(blocks[0]).toContain('Freigegeben von: k-yilmaz');
    expect(blocks[1]).toContain('produktion');
    expect(blocks[1]).toContain('Quelle: unbekannt (kein freigabe-Commit)');
    expect(blocks[2]).toContain('Fachverfahren: kita-portal, wohngeld');
    expect(blocks[2]).not.toContain('NOTFALL');
  });

  test('English with --locale en, one stage with --stage', async () => {
    const { code, out } = await audit(['--stage', 'schulung', '--locale', 'en']);
    expect(code).toBe(0);
    expect(out).toContain('Released by: m-schulz');
    expect(out).toContain('EMERGENCY CHANGE');
    expect(out).not.toContain('produktion');
  });

  test('json', async () => {
    const { code, out } = await audit(['--format', 'json', '--stage', 'schulung']);
    expect(code).toBe(0);
    const { entries } = JSON.parse(out);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      stage: 'schulung',
      date: '2025-01-03T10:00:00Z',
      source: SRC2,
      pullRequest: 'ba-mitte/estate#42',
      notfall: true,
      verfahren: ['wohngeld'],
      approvedBy: [{ login: 'm-schulz', at: '2025-01-03T09:00:00Z', sha: REVIEWED }, { login: 'k-yilmaz', at: '2025-01-03T09:30:00Z', sha: REVIEWED }],
    });
    expect(entries[0].commit).toBe(git(['rev-parse', 'rendered/schulung']).trim());
    expect(entries[1].verfahren).toEqual(['kita-portal', 'wohngeld']);
  });

  test('csv: header, one row per rendered commit, RFC 4180', async () => {
    const { code, out } = await audit(['--format', 'csv']);
    expect(code).toBe(0);
    const rows = out.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toBe(
      `2025-01-03T10:00:00Z,schulung,${git(['rev-parse', 'rendered/schulung']).trim()},${SRC2},ba-mitte/estate#42,wohngeld,m-schulz 2025-01-03T09:00:00Z ${REVIEWED}; k-yilmaz 2025-01-03T09:30:00Z ${REVIEWED},true,false,none`,
    );
    expect(rows[2]).toMatch(/^2025-01-02T12:00:00Z,produktion,[0-9a-f]{40},,,wohngeld,,false,false,none$/);
  });

  test('remote-tracking branches count when there is no local one', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'freigabe-audit-clone-'));
    try {
      execFileSync('git', ['clone', '-q', repo, clone]);
      let out = '';
      const code = await auditCommand(['--repo', clone, '--stage', 'schulung', '--format', 'json'], { stdout: (s) => (out += s), stderr: () => {} });
      expect(code).toBe(0);
      expect(JSON.parse(out).entries).toHaveLength(2);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  test('a deploy repository: one ref, the stage from the trailer, paths under <stage>/', async () => {
    const deploy = mkdtempSync(join(tmpdir(), 'freigabe-audit-deploy-'));
    try {
      const g = (args: string[], date?: string) => execFileSync('git', ['-C', deploy, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.invalid', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) } });
      g(['init', '-q', '-b', 'main']);
      mkdirSync(join(deploy, 'produktion', 'wohngeld'), { recursive: true });
      writeFileSync(join(deploy, 'produktion', 'wohngeld', 'kustomization.yaml'), 'k\n');
      writeFileSync(join(deploy, 'MSG'), commitMessage({ stage: 'produktion', source: SRC1, approvedBy: [], notfall: false, verfahren: ['wohngeld'] }));
      g(['add', 'produktion']);
      g(['commit', '-q', '-F', join(deploy, 'MSG')], '2025-02-01T10:00:00Z');
      let out = '';
      const code = await auditCommand(['--repo', deploy, '--ref', 'main', '--format', 'json'], { stdout: (s) => (out += s), stderr: () => {} });
      expect(code).toBe(0);
      expect(JSON.parse(out).entries).toMatchObject([{ stage: 'produktion', source: SRC1, verfahren: ['wohngeld'] }]);
    } finally {
      rmSync(deploy, { recursive: true, force: true });
    }
  });

  test('through the freigabe dispatcher, --repo defaulting to the working directory', async () => {
    let out = '';
    const code = await main(['audit', '--stage', 'produktion', '--format', 'csv'], { stdout: (s) => (out += s), stderr: () => {}, isTTY: false, cwd: repo, env: {} } as never);
    expect(code).toBe(0);
    expect(out.split('\r\n').filter(Boolean)).toHaveLength(2);
  });

  test('usage errors exit 2 with a message, not a stack trace', async () => {
    expect((await audit(['--format', 'xml'])).code).toBe(2);
    const missing = await audit(['--stage', 'nirgendwo']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('rendered/nirgendwo');
    const notGit = await auditCommand(['--repo', tmpdir() + '/does-not-exist-freigabe'], { stdout: () => {}, stderr: () => {} });
    expect(notGit).toBe(2);
  });
});
