/**
 * A Vertretung counts only inside its window (`from` and `until`, both optional, inclusive
 * Berlin days): IT-Grundschutz gives a deputy the rights only in the Vertretungsfall.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { Estate } from './model.js';

export type VertretungPhase = 'before' | 'inside' | 'after';

/** Where `today` (YYYY-MM-DD) lies relative to the window; ISO dates compare as strings. */
export function vertretungPhase(v: { readonly from?: string; readonly until?: string }, today: string): VertretungPhase {
  if (v.until !== undefined && v.until < today) return 'after';
  if (v.from !== undefined && today < v.from) return 'before';
  // from after until: the window is empty; it has ended once `from` is reached.
  if (v.from !== undefined && v.until !== undefined && v.from > v.until) return 'after';
  return 'inside';
}

/** `from` after `until`: a window that never opens. */
export function checkVertretungWindows(estate: Estate): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, entry] of [...estate.verfahren].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const doc = entry.doc;
    if (!doc) continue;
    (doc.data.spec.vertretung ?? []).forEach((v, i) => {
      if (v.from === undefined || v.until === undefined || v.from <= v.until) return;
      const path = `/spec/vertretung/${i}/from`;
      out.push(diagnostic('vertretung-window-invalid', { file: doc.file, line: doc.lines.lineOf(path), path, params: { login: v.login, from: v.from, until: v.until, verfahren: name } }));
    });
  }
  return out;
}
