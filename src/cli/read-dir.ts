/**
 * A local directory as a Snapshot: the settings file, the estate root and the templates
 * directory. Symbolic links are not followed (an estate file must be the file in the
 * repository, not whatever a link points to), nor are .git and node_modules entered; special
 * files (FIFOs, sockets, devices) are never opened, so reading cannot block.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../core/load.js';
import { SETTINGS_FILE } from '../core/model.js';
import { snapshotOf, type Snapshot } from '../core/snapshot.js';
import { uiText, type Locale } from '../i18n/cli.js';
import { InputError } from './errors.js';

/**
 * Files larger than this are read only up to this size: far above the YAML limit, so the core
 * still reports them as too large, but a stray disk image cannot exhaust memory.
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
const SETTINGS_FILES = [SETTINGS_FILE, '.github/freigabe.yaml'];

export interface ReadResult {
  readonly snapshot: Snapshot;
  /** Warnings for stderr (skipped links, truncated files). */
  readonly warnings: string[];
}

function readCapped(path: string, size: number): Uint8Array {
  if (size <= MAX_FILE_BYTES) return readFileSync(path);
  const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function readError(path: string, error: unknown, locale: Locale): InputError {
  const reason = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : String(error);
  return new InputError(uiText(locale).cli.unreadableFile(path, reason));
}

/** Reads the settings file and every regular file under the estate root and templates directory of `dir`. */
export function readDirectorySnapshot(dir: string, locale: Locale): ReadResult {
  const t = uiText(locale).cli;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new InputError(t.notADirectory(dir));
  const files = new Map<string, Uint8Array>();
  const warnings: string[] = [];

  const addFile = (rel: string): void => {
    const abs = join(dir, rel);
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      return; // absent: fine
    }
    if (stat.isSymbolicLink()) {
      warnings.push(t.symlinkSkipped(rel));
      return;
    }
    if (!stat.isFile()) return;
    try {
      files.set(rel, readCapped(abs, stat.size));
    } catch (error) {
      throw readError(rel, error, locale);
    }
    if (stat.size > MAX_FILE_BYTES) warnings.push(t.fileTruncated(rel, MAX_FILE_BYTES));
  };

  const walk = (rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw readError(rel, error, locale);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isSymbolicLink()) warnings.push(t.symlinkSkipped(path));
      else if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(path);
      } else if (e.isFile()) addFile(path);
    }
  };

  for (const f of SETTINGS_FILES) addFile(f);
  const settings = loadSettings(snapshotOf(new Map(files))).value;
  for (const top of new Set([settings.root, settings.templates])) {
    // The root itself may be a link; say so instead of silently finding an empty estate.
    let stat;
    try {
      stat = lstatSync(join(dir, top));
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) warnings.push(t.symlinkSkipped(top));
    else if (stat.isDirectory()) walk(top);
  }
  return { snapshot: { files }, warnings };
}
