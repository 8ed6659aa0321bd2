/**
 * freigabe's own settings for operators, from the environment (documented in the README).
 * Probot reads its own variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, …) itself.
 */
import type { FreigabeAppOptions } from './app.js';
import { LruSnapshotCache } from './platform/snapshot-cache.js';
import { DEFAULT_ARCHIVE_LIMITS } from './platform/tarball.js';

const MIB = 1024 * 1024;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): FreigabeAppOptions {
  return {
    cache: new LruSnapshotCache({
      maxEntries: Math.floor(positive(env, 'FREIGABE_SNAPSHOT_CACHE_ENTRIES', 64)),
      maxBytes: positive(env, 'FREIGABE_SNAPSHOT_CACHE_MB', 256) * MIB,
    }),
    limits: {
      ...DEFAULT_ARCHIVE_LIMITS,
      maxArchiveBytes: positive(env, 'FREIGABE_MAX_ARCHIVE_MB', DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes / MIB) * MIB,
    },
  };
}
