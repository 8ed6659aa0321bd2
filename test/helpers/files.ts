import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (sorted walk), keyed by its '/'-separated path relative to `dir`. */
export function readTreeBytes(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The same as text: path → UTF-8 content. */
export function readTreeText(dir: string): Record<string, string> {
  const decoder = new TextDecoder();
  return Object.fromEntries([...readTreeBytes(dir)].map(([path, bytes]) => [path, decoder.decode(bytes)]));
}
