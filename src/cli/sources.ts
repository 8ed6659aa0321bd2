/**
 * Where the states of a command come from: a directory (`--base DIR`, `--head DIR`, the
 * working tree of `--repo`) or a commit of `--repo` (`--base-ref`, `--head-ref`). Two refs are
 * read together, so their shared blobs are read once.
 */
import { resolve } from 'node:path';
import type { Snapshot } from '../core/snapshot.js';
import { uiText, type Locale } from '../i18n/cli.js';
import { UsageError } from './errors.js';
import type { CommandIO } from './options.js';
import { readDirectorySnapshot } from './read-dir.js';
import { readGitSnapshots } from './read-git.js';

export type Source = { readonly dir: string } | { readonly ref: string };

export interface SourceValues {
  readonly base?: string;
  readonly 'base-ref'?: string;
  readonly head?: string;
  readonly 'head-ref'?: string;
}

/** --base/--base-ref (one required) and --head/--head-ref (default: the working tree of --repo). */
export function sources(values: SourceValues, repo: string, io: CommandIO, locale: Locale): { base: Source; head: Source } {
  const t = uiText(locale).cli;
  if (values.base !== undefined && values['base-ref'] !== undefined) throw new UsageError(t.exclusive('--base', '--base-ref'));
  if (values.head !== undefined && values['head-ref'] !== undefined) throw new UsageError(t.exclusive('--head', '--head-ref'));
  if (values.base === undefined && values['base-ref'] === undefined) throw new UsageError(t.oneOf('--base DIR', '--base-ref REF'));
  const base: Source = values.base !== undefined ? { dir: resolve(io.cwd, values.base) } : { ref: values['base-ref']! };
  const head: Source =
    values.head !== undefined ? { dir: resolve(io.cwd, values.head) } : values['head-ref'] !== undefined ? { ref: values['head-ref'] } : { dir: repo };
  return { base, head };
}

/** Reads the sources; warnings (skipped links, truncated files) go to stderr. */
export function readSources(list: readonly Source[], repo: string, io: CommandIO, locale: Locale): Snapshot[] {
  const out: (Snapshot | undefined)[] = list.map(() => undefined);
  const refIndexes = list.flatMap((s, i) => ('ref' in s ? [i] : []));
  if (refIndexes.length > 0) {
    const results = readGitSnapshots(repo, refIndexes.map((i) => (list[i] as { ref: string }).ref), locale);
    refIndexes.forEach((i, k) => {
      out[i] = results[k].snapshot;
      for (const w of results[k].warnings) io.stderr(`${w}\n`);
    });
  }
  list.forEach((s, i) => {
    if ('dir' in s) {
      const r = readDirectorySnapshot(s.dir, locale);
      for (const w of r.warnings) io.stderr(`${w}\n`);
      out[i] = r.snapshot;
    }
  });
  return out as Snapshot[];
}
