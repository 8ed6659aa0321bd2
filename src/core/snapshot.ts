/**
 * A snapshot is the content of a repository at one commit: repository-relative paths
 * ('/'-separated, no leading slash) to bytes. Adapters fill it (local directory, git ref,
 * GitHub tarball); the core only reads it.
 */
export interface Snapshot {
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export function snapshotOf(files: Record<string, string | Uint8Array> | Map<string, Uint8Array>): Snapshot {
  const map = new Map<string, Uint8Array>();
  const entries = files instanceof Map ? files.entries() : Object.entries(files);
  const encoder = new TextEncoder();
  for (const [path, content] of entries) {
    map.set(path, typeof content === 'string' ? encoder.encode(content) : content);
  }
  return { files: map };
}

/** Files under a directory prefix ('' for all), sorted by path. */
export function filesUnder(snapshot: Snapshot, dir: string): string[] {
  const prefix = dir === '' ? '' : dir.endsWith('/') ? dir : `${dir}/`;
  return [...snapshot.files.keys()].filter((p) => p.startsWith(prefix)).sort();
}
