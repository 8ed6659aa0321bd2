/**
 * Approvals bound to what was approved, not to a commit SHA. An approval given on an older
 * commit still counts when the estate content it approved is unchanged at the head:
 *
 * - every file the pull request changes (base → head, under the estate root and the templates
 *   directory, and the settings file) has the same bytes at the reviewed commit, and so has
 *   every other file of the Fachverfahren it changes (dropping part of the approved change of a
 *   Fachverfahren voids the approval too), and
 * - the rendered manifests of the affected stages (each changed Fachverfahren × stage; every
 *   stage of a Fachverfahren whose verfahren.yaml changed; everything for platform-wide
 *   changes) are the same at the reviewed commit as at the head.
 *
 * So a rebase or an update merge that brings only unrelated changes keeps the approval; a
 * merge that alters a changed file, or a rebase onto a base that renders the same booking
 * differently (a new size, a template), voids it. The adapters supply the reviewed commits'
 * snapshots (bounded: only commits of approvals that would count but for the commit); the
 * comparison is pure. The four-eyes rules are decided elsewhere, over every commit.
 */
import type { Change } from './changes.js';
import { cmp } from './diagnostics.js';
import { loadEstate, type ParseCache } from './load.js';
import { SETTINGS_FILE, type Estate } from './model.js';
import { renderEstate } from './render.js';
import type { Snapshot } from './snapshot.js';

/** Which older commits carry the head's content, and what differs at the others. */
export interface ContentBinding {
  /** Lower-case SHAs whose approved content equals the head's. */
  readonly same: ReadonlySet<string>;
  /** Lower-case SHA → the changed files and rendered manifests that differ (sorted, bounded). */
  readonly changed: ReadonlyMap<string, readonly string[]>;
}

export interface BindingParams {
  readonly base: Estate;
  readonly head: Estate;
  readonly changes: readonly Change[];
  /** Lower-case SHA → the repository at that commit. */
  readonly reviewed: ReadonlyMap<string, Snapshot>;
  readonly parseCache?: ParseCache;
}

/** At most this many differing paths are named per approval. */
const MAX_NAMED = 5;

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Files the pull request changes, repository-relative. */
function changedFiles(base: Estate, head: Estate): string[] {
  const out = new Set<string>();
  for (const [path, bytes] of head.files) if (!sameBytes(base.files.get(path), bytes)) out.add(path);
  for (const path of base.files.keys()) if (!head.files.has(path)) out.add(path);
  if (!sameBytes(base.settingsFile, head.settingsFile)) out.add(SETTINGS_FILE);
  return [...out].sort(cmp);
}

/** The rendered files that belong to the approved change: a predicate over '<stage>/<verfahren>/…' paths. */
function affected(changes: readonly Change[]): { all: boolean; verfahren: Set<string>; matches: (path: string) => boolean } {
  const all = changes.some((c) => c.verfahren === null);
  const whole = new Set(changes.filter((c) => c.verfahren !== null && c.stage === null).map((c) => c.verfahren!));
  const stages = new Set(changes.filter((c) => c.verfahren !== null && c.stage !== null).map((c) => `${c.stage}/${c.verfahren}`));
  const verfahren = new Set(changes.flatMap((c) => (c.verfahren === null ? [] : [c.verfahren])));
  const matches = (path: string): boolean => {
    if (all) return true;
    const [stage, v] = path.split('/', 2);
    return whole.has(v) || stages.has(`${stage}/${v}`);
  };
  return { all, verfahren, matches };
}

function rendered(estate: Estate, scope: ReturnType<typeof affected>): Map<string, string> {
  const files = renderEstate({ estate, ...(scope.all ? {} : { verfahren: scope.verfahren }) }).files;
  return new Map([...files].filter(([path]) => scope.matches(path)));
}

export function bindApprovals(params: BindingParams): ContentBinding {
  const { base, head } = params;
  const same = new Set<string>();
  const changed = new Map<string, string[]>();
  if (params.reviewed.size === 0) return { same, changed };
  const scope = affected(params.changes);
  const dirs = [...scope.verfahren].map((v) => `${head.settings.root}/verfahren/${v}/`);
  const inScope = (path: string) => dirs.some((d) => path.startsWith(d));
  const prChanged = changedFiles(base, head);
  const headManifests = rendered(head, scope);
  const bytesAt = (estate: Estate, path: string) => (path === SETTINGS_FILE ? estate.settingsFile : estate.files.get(path));
  for (const [sha, snapshot] of [...params.reviewed].sort(([a], [b]) => cmp(a, b))) {
    const state = loadEstate({ snapshot, ...(params.parseCache ? { cache: params.parseCache } : {}) }).value;
    const files = [...new Set([...prChanged, ...[...head.files.keys(), ...state.files.keys()].filter(inScope)])].sort(cmp);
    const differs = files.filter((path) => !sameBytes(bytesAt(state, path), bytesAt(head, path)));
    // The estate moved (another root or templates directory): nothing is comparable.
    if (state.settings.root !== head.settings.root || state.settings.templates !== head.settings.templates) differs.push(SETTINGS_FILE);
    const manifests = rendered(state, scope);
    const manifestPaths = [...new Set([...headManifests.keys(), ...manifests.keys()])].sort(cmp);
    const manifestDiffers = manifestPaths.filter((p) => headManifests.get(p) !== manifests.get(p)).map((p) => `rendered/${p}`);
    const all = [...new Set([...differs, ...manifestDiffers])];
    if (all.length === 0) same.add(sha);
    else changed.set(sha, all.length > MAX_NAMED ? [...all.slice(0, MAX_NAMED), `+${all.length - MAX_NAMED}`] : all);
  }
  return { same, changed };
}
