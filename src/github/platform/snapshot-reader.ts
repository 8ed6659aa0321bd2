/**
 * The estate at one commit, with one API call however many files it has: the repository
 * tarball (`GET /repos/{o}/{r}/tarball/{sha}`, a redirect to the archive), read by the
 * bounded extractor and cached by commit.
 */
import { loadSettings } from '../../core/load.js';
import { SETTINGS_FILE, type Settings } from '../../core/model.js';
import { snapshotOf } from '../../core/snapshot.js';
import type { GitHubClient, RepoRef } from './github-client.js';
import type { CommitSnapshot, SnapshotCache } from './snapshot-cache.js';
import { extractTarball, type ArchiveLimits, type LimitExceeded } from './tarball.js';

const SETTINGS_FILES = new Set([SETTINGS_FILE, '.github/freigabe.yaml']);

/** Path prefixes of the files a plan reads under these settings. */
export function scopeOf(settings: Settings): string[] {
  return [`${settings.root}/`, `${settings.templates}/`];
}

export interface ReadSnapshotParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly sha: string;
  /** Prefixes to keep besides those named by the commit's own settings file. */
  readonly scope: readonly string[];
  readonly cache: SnapshotCache;
  readonly limits: ArchiveLimits;
}

export type ReadSnapshotResult = ({ readonly ok: true } & CommitSnapshot) | { readonly ok: false; readonly exceeded: LimitExceeded };

export async function readSnapshot(params: ReadSnapshotParams): Promise<ReadSnapshotResult> {
  const { octokit, owner, repo, sha, cache, limits } = params;
  const key = `${owner}/${repo}@${sha}`;
  const cached = await cache.get(key);
  if (cached && params.scope.every((p) => cached.prefixes.includes(p))) return { ok: true, ...cached };

  const download = await downloadArchive({ octokit, owner, repo, sha, maxBytes: limits.maxArchiveBytes });
  if (!download.ok) return download;
  const archive = download.archive;

  // First pass: the commit's own settings say where its estate lives.
  const own = await extractTarball({ archive, keep: (p) => SETTINGS_FILES.has(p), limits });
  if (own.exceeded) return { ok: false, exceeded: own.exceeded };
  const ownSettings = loadSettings(snapshotOf(own.files)).value;
  const prefixes = [...new Set([...(cached?.prefixes ?? []), ...scopeOf(ownSettings), ...params.scope])].sort();

  const all = await extractTarball({ archive, keep: (p) => SETTINGS_FILES.has(p) || prefixes.some((prefix) => p.startsWith(prefix)), limits });
  if (all.exceeded) return { ok: false, exceeded: all.exceeded };
  const entry: CommitSnapshot = { snapshot: snapshotOf(all.files), problems: all.problems, prefixes };
  await cache.set(key, entry);
  return { ok: true, ...entry };
}

interface DownloadParams extends RepoRef {
  readonly octokit: GitHubClient;
  readonly sha: string;
  readonly maxBytes: number;
}

/** Streams the archive so an oversized one is cut off, not buffered whole. */
async function downloadArchive(params: DownloadParams): Promise<{ ok: true; archive: Uint8Array } | { ok: false; exceeded: LimitExceeded }> {
  const { octokit, owner, repo, sha, maxBytes } = params;
  const response = await octokit.rest.repos.downloadTarballArchive({ owner, repo, ref: sha, request: { parseSuccessResponseBody: false } });
  const body = response.data as unknown;
  if (body instanceof ArrayBuffer) {
    return body.byteLength > maxBytes ? { ok: false, exceeded: { limit: 'maxArchiveBytes', value: body.byteLength, max: maxBytes } } : { ok: true, archive: new Uint8Array(body) };
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false, exceeded: { limit: 'maxArchiveBytes', value: size, max: maxBytes } };
    }
    chunks.push(value);
  }
  return { ok: true, archive: Buffer.concat(chunks) };
}
