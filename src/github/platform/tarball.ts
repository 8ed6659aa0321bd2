/**
 * Reads a repository archive as GitHub serves it (`GET /repos/{o}/{r}/tarball/{ref}`: gzip'd
 * tar, every entry under one top-level `<owner>-<repo>-<sha>/` directory) into repository-
 * relative paths and bytes. The archive comes from the pull request's author, so it is
 * treated as hostile: bounded in size, entries and per-file bytes; links, devices and
 * unsafe paths are never materialised, only reported.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export interface ArchiveLimits {
  /** Compressed bytes downloaded. */
  readonly maxArchiveBytes: number;
  /** Sum of the declared sizes of all entries, kept or not (bounds decompression work). */
  readonly maxUnpackedBytes: number;
  readonly maxEntries: number;
  /** Sum of the bytes of the files kept. */
  readonly maxKeptBytes: number;
  /** Bytes kept of one file; a longer file is cut to this plus one byte so the YAML loader reports it as too large. */
  readonly maxFileBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 50 * 1024 * 1024,
  maxUnpackedBytes: 512 * 1024 * 1024,
  maxEntries: 100_000,
  maxKeptBytes: 64 * 1024 * 1024,
  maxFileBytes: 1024 * 1024,
};

export type ArchiveProblemReason = 'symlink' | 'hardlink' | 'special-file' | 'unsafe-path';

/** An entry inside the kept part of the tree that was not read. */
export interface ArchiveProblem {
  readonly path: string;
  readonly reason: ArchiveProblemReason;
}

export interface LimitExceeded {
  readonly limit: keyof ArchiveLimits;
  readonly value: number;
  readonly max: number;
}

export interface ExtractResult {
  readonly files: Map<string, Uint8Array>;
  readonly problems: ArchiveProblem[];
  /** Set when the archive broke a limit; `files` is then incomplete and must not be used. */
  readonly exceeded?: LimitExceeded;
}

export interface ExtractParams {
  readonly archive: Uint8Array;
  /** Which repository-relative paths to keep. */
  readonly keep: (path: string) => boolean;
  readonly limits: ArchiveLimits;
}

/**
 * Repository-relative path of a tar entry name, or undefined when the name is unsafe
 * (absolute, `..`, `.`, empty segments, backslashes, NUL) or is the top-level directory itself.
 */
export function repositoryPath(entryName: string): string | undefined | null {
  if (entryName.startsWith('/') || entryName.includes('\\') || entryName.includes('\0')) return null;
  const trimmed = entryName.endsWith('/') ? entryName.slice(0, -1) : entryName;
  const segments = trimmed.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  if (segments.length < 2) return undefined;
  return segments.slice(1).join('/');
}

export async function extractTarball(params: ExtractParams): Promise<ExtractResult> {
  const { archive, keep, limits } = params;
  const files = new Map<string, Uint8Array>();
  const problems: ArchiveProblem[] = [];
  if (archive.byteLength > limits.maxArchiveBytes) {
    return { files, problems, exceeded: { limit: 'maxArchiveBytes', value: archive.byteLength, max: limits.maxArchiveBytes } };
  }
  const gunzip = createGunzip();
  const tar = extract();
  const source = Readable.from([Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)]);
  source.pipe(gunzip).pipe(tar);
  gunzip.on('error', (e) => tar.destroy(e));

  let entries = 0;
  let unpacked = 0;
  let kept = 0;
  let exceeded: LimitExceeded | undefined;
  const over = (limit: keyof ArchiveLimits, value: number): boolean => {
    if (value <= limits[limit]) return false;
    exceeded = { limit, value, max: limits[limit] };
    return true;
  };

  try {
    for await (const entry of tar) {
      const { header } = entry;
      entries += 1;
      unpacked += header.size ?? 0;
      if (over('maxEntries', entries) || over('maxUnpackedBytes', unpacked)) break;
      const type: string = header.type ?? 'file';
      if (type === 'pax-global-header' || type === 'pax-header' || type === 'directory') {
        entry.resume();
        continue;
      }
      const path = repositoryPath(header.name);
      if (path === undefined) {
        entry.resume();
        continue;
      }
      if (path === null) {
        // An unsafe name is reported only if it would have landed in the kept tree.
        const visible = header.name.split('/').slice(1).filter((s) => s !== '' && s !== '.' && s !== '..').join('/');
        if (keep(visible)) problems.push({ path: visible, reason: 'unsafe-path' });
        entry.resume();
        continue;
      }
      if (!keep(path)) {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        problems.push({ path, reason: type === 'symlink' ? 'symlink' : type === 'link' ? 'hardlink' : 'special-file' });
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (size <= limits.maxFileBytes) chunks.push(chunk);
        size += chunk.length;
      }
      const bytes = Buffer.concat(chunks);
      const content = size > limits.maxFileBytes ? bytes.subarray(0, limits.maxFileBytes + 1) : bytes;
      kept += content.length;
      if (over('maxKeptBytes', kept)) break;
      files.set(path, new Uint8Array(content.buffer, content.byteOffset, content.byteLength));
    }
  } finally {
    source.destroy();
    gunzip.destroy();
    tar.destroy();
  }
  return exceeded ? { files, problems, exceeded } : { files, problems };
}
