/**
 * Builds a repository archive the way GitHub's tarball endpoint serves it: gzip'd tar with a
 * pax global header and every entry under `<owner>-<repo>-<sha7>/`.
 */
import { gzipSync } from 'node:zlib';
import { pack, type Headers } from 'tar-stream';

export interface ArchiveEntry {
  readonly name: string;
  readonly content?: string | Uint8Array;
  readonly type?: Headers['type'];
  readonly linkname?: string;
  /** Name used verbatim, without the top-level directory (for hostile archives). */
  readonly raw?: boolean;
}

export async function tarball(prefix: string, files: Record<string, string | Uint8Array> | readonly ArchiveEntry[]): Promise<Buffer> {
  const entries: ArchiveEntry[] = Array.isArray(files)
    ? [...(files as readonly ArchiveEntry[])]
    : Object.entries(files as Record<string, string | Uint8Array>).map(([name, content]) => ({ name, content }));
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: Buffer) => chunks.push(c));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  const add = (header: Headers, content?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const done = (e?: Error | null) => (e ? reject(e) : resolve());
      if (content) p.entry(header, content, done);
      else p.entry(header, done);
    });
  await add({ name: `${prefix}/`, type: 'directory', mode: 0o755 });
  for (const e of entries) {
    const name = e.raw ? e.name : `${prefix}/${e.name}`;
    const type = e.type ?? 'file';
    const content = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    await add({ name, type, mode: 0o644, ...(e.linkname ? { linkname: e.linkname } : {}) }, content);
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
