/**
 * Snapshots by commit, so that the review and label events that follow a push evaluate
 * without downloading the same archives again. Commits are immutable, so entries never go
 * stale; they are only evicted. The interface is asynchronous so that a shared cache
 * (e.g. Redis, for several app instances) can replace the in-memory one.
 */
import type { Snapshot } from '../../core/snapshot.js';
import type { ArchiveProblem } from './tarball.js';

/** What one commit's archive gave: the kept files, what was refused, and which prefixes were kept. */
export interface CommitSnapshot {
  readonly snapshot: Snapshot;
  readonly problems: readonly ArchiveProblem[];
  /** Path prefixes kept besides the settings file ('environments/', 'templates/'). */
  readonly prefixes: readonly string[];
}

export interface SnapshotCache {
  get(key: string): Promise<CommitSnapshot | undefined>;
  set(key: string, entry: CommitSnapshot): Promise<void>;
}

export interface LruLimits {
  readonly maxEntries: number;
  /** Sum of the file bytes held. */
  readonly maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: LruLimits = { maxEntries: 64, maxBytes: 256 * 1024 * 1024 };

/** Least recently used first out, bounded by entry count and bytes. */
export class LruSnapshotCache implements SnapshotCache {
  readonly #entries = new Map<string, { entry: CommitSnapshot; bytes: number }>();
  #bytes = 0;

  constructor(readonly limits: LruLimits = DEFAULT_CACHE_LIMITS) {}

  async get(key: string): Promise<CommitSnapshot | undefined> {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.entry;
  }

  async set(key: string, entry: CommitSnapshot): Promise<void> {
    const bytes = [...entry.snapshot.files.values()].reduce((n, b) => n + b.byteLength, 0);
    if (bytes > this.limits.maxBytes) return;
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    this.#entries.set(key, { entry, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > this.limits.maxEntries || this.#bytes > this.limits.maxBytes) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, { bytes: number }];
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
