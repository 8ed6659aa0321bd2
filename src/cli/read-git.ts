/**
 * Commits of a local git repository as Snapshots, without a checkout: one `git ls-tree` per
 * ref lists the files, and one `git cat-file --batch` process reads every needed blob of all
 * refs at once. A blob shared by several refs is read once and shared, so unchanged files of
 * base and head are the same bytes (the plan's parse cache then skips them by identity).
 */
import { spawnSync } from 'node:child_process';
import { loadSettings } from '../core/load.js';
import { SETTINGS_FILE } from '../core/model.js';
import { snapshotOf, type Snapshot } from '../core/snapshot.js';
import { uiText, type Locale } from '../i18n/cli.js';
import { InputError } from './errors.js';
import { MAX_FILE_BYTES, type ReadResult } from './read-dir.js';

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  readonly size: number;
  readonly path: string;
}

const SETTINGS_FILES = [SETTINGS_FILE, '.github/freigabe.yaml'];

function git(repo: string, args: string[], locale: Locale, input?: string, maxBuffer = 64 * 1024 * 1024): Buffer {
  const t = uiText(locale).cli;
  const result = spawnSync('git', ['-C', repo, ...args], {
    input,
    maxBuffer,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (result.error) throw new InputError(t.gitFailed(result.error.message));
  if (result.status !== 0) {
    const stderr = result.stderr.toString('utf8').trim();
    if (/not a git repository/i.test(stderr)) throw new InputError(t.notARepository(repo));
    if (/cannot change to|No such file or directory/i.test(stderr)) throw new InputError(t.notADirectory(repo));
    throw new InputError(t.gitFailed(stderr.split('\n')[0] ?? `exit ${result.status}`));
  }
  return result.stdout;
}

function lsTree(repo: string, ref: string, locale: Locale): TreeEntry[] {
  const t = uiText(locale).cli;
  if (ref.startsWith('-') || ref.includes('\0')) throw new InputError(t.badRef(ref));
  // rev-parse first: a clear message for an unknown ref, and no ref can be read as an option.
  const check = spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{tree}`], {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (check.error) throw new InputError(t.gitFailed(check.error.message));
  if (check.status !== 0) {
    const stderr = check.stderr.toString('utf8');
    if (/not a git repository/i.test(stderr)) throw new InputError(t.notARepository(repo));
    if (/cannot change to/i.test(stderr)) throw new InputError(t.notADirectory(repo));
    throw new InputError(t.badRef(ref));
  }
  const tree = check.stdout.toString('utf8').trim();
  const out = git(repo, ['ls-tree', '-r', '-z', '-l', '--full-tree', tree], locale).toString('utf8');
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    entries.push({ mode, type, oid, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** Reads the given blobs with one `git cat-file --batch`; oid → bytes (views into one buffer). */
function catBlobs(repo: string, oids: readonly string[], totalSize: number, locale: Locale): Map<string, Uint8Array> {
  const blobs = new Map<string, Uint8Array>();
  if (oids.length === 0) return blobs;
  const out = git(repo, ['cat-file', '--batch'], locale, `${oids.join('\n')}\n`, totalSize + oids.length * 128 + 1024 * 1024);
  let pos = 0;
  for (const oid of oids) {
    const eol = out.indexOf(0x0a, pos);
    const header = out.toString('latin1', pos, eol);
    const m = /^([0-9a-f]+) blob ([0-9]+)$/.exec(header);
    if (!m) throw new InputError(uiText(locale).cli.gitFailed(`cat-file: ${header}`));
    const size = Number(m[2]);
    blobs.set(oid, out.subarray(eol + 1, eol + 1 + size));
    pos = eol + 1 + size + 1;
  }
  return blobs;
}

const isBlob = (e: TreeEntry): boolean => e.type === 'blob' && e.mode !== '120000';

/**
 * Snapshots of several refs of one repository: per ref its settings file and the files under
 * its estate root and templates directory.
 */
export function readGitSnapshots(repo: string, refs: readonly string[], locale: Locale): ReadResult[] {
  const t = uiText(locale).cli;
  const trees = refs.map((ref) => lsTree(repo, ref, locale));

  // Round 1: settings files decide which directories matter.
  const settingsEntries = trees.map((tree) => tree.filter((e) => isBlob(e) && SETTINGS_FILES.includes(e.path)));
  const settingsOids = [...new Set(settingsEntries.flat().map((e) => e.oid))];
  const settingsBlobs = catBlobs(repo, settingsOids, settingsEntries.flat().reduce((n, e) => n + e.size, 0), locale);

  // Round 2: every blob under a root or templates directory, each read once.
  const wanted = trees.map((tree, i) => {
    const settingsFiles = new Map(settingsEntries[i].map((e) => [e.path, settingsBlobs.get(e.oid)!]));
    const settings = loadSettings(snapshotOf(settingsFiles)).value;
    const prefixes = [`${settings.root}/`, `${settings.templates}/`];
    const warnings: string[] = [];
    const entries = tree.filter((e) => {
      if (!prefixes.some((p) => e.path.startsWith(p))) return false;
      if (e.type === 'blob' && e.mode === '120000') warnings.push(t.symlinkSkipped(e.path));
      if (isBlob(e) && e.size > MAX_FILE_BYTES) warnings.push(t.fileTruncated(e.path, MAX_FILE_BYTES));
      return isBlob(e);
    });
    return { settingsFiles, entries, warnings };
  });
  const sizes = new Map<string, number>();
  for (const w of wanted) for (const e of w.entries) if (e.size <= MAX_FILE_BYTES) sizes.set(e.oid, e.size);
  const blobs = catBlobs(repo, [...sizes.keys()], [...sizes.values()].reduce((n, s) => n + s, 0), locale);

  return wanted.map((w) => {
    const files = new Map<string, Uint8Array>(w.settingsFiles);
    for (const e of w.entries) {
      // An oversized blob is not read; a placeholder of the cap's size still makes the core report it as too large.
      files.set(e.path, blobs.get(e.oid) ?? new Uint8Array(MAX_FILE_BYTES + 1));
    }
    return { snapshot: { files } satisfies Snapshot, warnings: w.warnings };
  });
}
