/**
 * Parsed estate documents per repository, kept between evaluations: the next event on a pull
 * request (a review, a push of one file) re-parses only the files whose bytes changed. The core's
 * ParseCache holds one entry per path, so a repository's cache is bounded by its estate; the
 * number of repositories kept is bounded here (least recently used goes first).
 */
import type { ParseCache } from '../../core/load.js';

export class ParseCaches {
  private readonly caches = new Map<string, ParseCache>();

  constructor(private readonly maxRepositories = 16) {}

  for(owner: string, repo: string): ParseCache {
    const key = `${owner}/${repo}`.toLowerCase();
    let cache = this.caches.get(key);
    if (cache) this.caches.delete(key);
    else cache = new Map();
    this.caches.set(key, cache);
    while (this.caches.size > this.maxRepositories) this.caches.delete(this.caches.keys().next().value!);
    return cache;
  }

  get size(): number {
    return this.caches.size;
  }
}
