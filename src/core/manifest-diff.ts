/**
 * Unified diffs of rendered manifests, git style (`--- a/…`, `+++ b/…`, `@@` hunks), so a
 * reviewer reads them like any other diff. Added and removed files are written directly: on
 * a first rollout every file is new, and running a diff algorithm against '' for tens of
 * thousands of files would dominate the plan's time.
 */
import { structuredPatch } from 'diff';

export interface ManifestDiff {
  /** '<stage>/<verfahren>/<file>.yaml' */
  readonly path: string;
  readonly status: 'added' | 'removed' | 'modified';
  /** Unified diff text (of an added or removed file: made anew on each read, see wholeFileDiff). */
  readonly diff: string;
}

const CONTEXT_LINES = 3;

function wholeFile(path: string, text: string, sign: '+' | '-'): string {
  const header = sign === '+' ? `--- /dev/null\n+++ b/${path}\n` : `--- a/${path}\n+++ /dev/null\n`;
  if (text === '') return header;
  // Native replaceAll instead of split/join: a first rollout diffs tens of thousands of files.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  let lines = 1;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) lines++;
  const range = sign === '+' ? `@@ -0,0 +1,${lines} @@` : `@@ -1,${lines} +0,0 @@`;
  const noEol = text.endsWith('\n') ? '' : '\n\\ No newline at end of file';
  return `${header}${range}\n${sign}${body.replaceAll('\n', `\n${sign}`)}${noEol}\n`;
}

/**
 * An added or removed file's diff, made each time it is read: the text is the file itself with
 * a sign before each line, so keeping it would double a first rollout's memory (tens of
 * megabytes) for no gain — a report reads each diff once, right before it writes it out.
 */
function wholeFileDiff(path: string, status: 'added' | 'removed', text: string): ManifestDiff {
  const sign = status === 'added' ? '+' : '-';
  return {
    path,
    status,
    get diff() {
      return wholeFile(path, text, sign);
    },
  };
}

function hunkRange(start: number, count: number): string {
  // Unified diff convention (as jsdiff's formatPatch): an empty range names the line before it.
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** The diff of one file between two renders; undefined when the texts are equal. */
export function diffManifest(path: string, before: string | undefined, after: string | undefined): ManifestDiff | undefined {
  if (before === after) return undefined;
  if (before === undefined) return wholeFileDiff(path, 'added', after ?? '');
  if (after === undefined) return wholeFileDiff(path, 'removed', before);
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: CONTEXT_LINES });
  let text = `--- a/${path}\n+++ b/${path}\n`;
  for (const h of patch.hunks) {
    text += `@@ -${hunkRange(h.oldStart, h.oldLines)} +${hunkRange(h.newStart, h.newLines)} @@\n${h.lines.join('\n')}\n`;
  }
  return { path, status: 'modified', diff: text };
}

/** Diffs of every path in either render, sorted by path; unchanged files are left out. */
export function diffManifests(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ManifestDiff[] {
  const paths = [...after.keys()];
  for (const path of before.keys()) if (!after.has(path)) paths.push(path);
  const out: ManifestDiff[] = [];
  for (const path of paths.sort()) {
    const d = diffManifest(path, before.get(path), after.get(path));
    if (d) out.push(d);
  }
  return out;
}
