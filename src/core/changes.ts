/**
 * What a pull request changes, from base estate to head estate, per Fachverfahren and stage.
 *
 * Files are compared by their path relative to the estate root (and to the templates
 * directory), so moving the root in .github/freigabe.yml is one settings change, not a
 * deletion of everything. Bytes decide *whether* something changed — a broken head file is
 * still a change — and parsed documents, where both sides parse, decide *what* changed.
 */
import { cmp } from './diagnostics.js';
import { stageNames, type Component, type Estate, type Located, type BookingDocument } from './model.js';

export type ChangeKind = 'promotion' | 'booking' | 'created' | 'deleted' | 'settings';

export interface ComponentState {
  readonly image: string;
  readonly size: string;
  readonly replicas: number;
}

export interface ComponentChange {
  readonly name: string;
  readonly before?: ComponentState;
  readonly after?: ComponentState;
}

export interface Change {
  /** null for platform-wide changes (platform.yaml, tenants, templates, settings). */
  readonly verfahren: string | null;
  /** null for changes not tied to one stage (verfahren.yaml, platform, tenants). */
  readonly stage: string | null;
  readonly kind: ChangeKind;
  readonly components: readonly ComponentChange[];
  /** Repository-relative files behind this change. */
  readonly files: readonly string[];
}

export interface ChangesParams {
  readonly base: Estate;
  readonly head: Estate;
}

/** The settings file as the change lists it (settings are compared as values, see below). */
const SETTINGS_PATH = '.github/freigabe.yml';

/** Where a file belongs, by its path relative to the estate root. */
type Place =
  | { kind: 'platform' }
  | { kind: 'tenant' }
  | { kind: 'verfahren'; verfahren: string }
  | { kind: 'booking'; verfahren: string; stage: string }
  | { kind: 'verfahren-other'; verfahren: string }
  | { kind: 'other' }
  | { kind: 'ignored' };

function placeOf(rel: string): Place {
  const parts = rel.split('/');
  const last = parts[parts.length - 1];
  // Documentation next to the manifests renders nothing; load.ts skips the same files.
  if (last.toLowerCase().endsWith('.md') || last === '.gitkeep') return { kind: 'ignored' };
  if (rel === 'platform.yaml') return { kind: 'platform' };
  if (parts[0] === 'tenants') return { kind: 'tenant' };
  if (parts[0] === 'verfahren' && parts.length >= 3) {
    const verfahren = parts[1];
    if (parts.length === 3 && last.endsWith('.yaml')) {
      const stem = last.slice(0, -'.yaml'.length);
      return stem === 'verfahren' ? { kind: 'verfahren', verfahren } : { kind: 'booking', verfahren, stage: stem };
    }
    return { kind: 'verfahren-other', verfahren };
  }
  return { kind: 'other' };
}

/** Estate files by path relative to the estate root, and template files by path relative to the templates dir. */
function indexFiles(estate: Estate): { root: Map<string, string>; templates: Map<string, string> } {
  const rootPrefix = `${estate.settings.root}/`;
  const templatePrefix = `${estate.settings.templates}/`;
  const root = new Map<string, string>();
  const templates = new Map<string, string>();
  for (const file of estate.files.keys()) {
    // load.ts files templates first, so a templates dir inside the root stays templates.
    if (file.startsWith(templatePrefix)) templates.set(file.slice(templatePrefix.length), file);
    else if (file.startsWith(rootPrefix)) root.set(file.slice(rootPrefix.length), file);
  }
  return { root, templates };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** JSON with sorted keys, so that equal values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => cmp(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function stateOf(c: Component): ComponentState {
  return { image: c.image, size: c.size, replicas: c.replicas };
}

function componentsOf(booking: Located<BookingDocument> | undefined): Map<string, Component> {
  const map = new Map<string, Component>();
  for (const c of booking?.data.spec.components ?? []) if (!map.has(c.name)) map.set(c.name, c);
  return map;
}

/**
 * Components that differ between two bookings (any field, not only image/size/replicas), and
 * whether any of them brings an image that the stage did not run before.
 */
function diffComponents(
  before: Located<BookingDocument> | undefined,
  after: Located<BookingDocument> | undefined,
): { components: ComponentChange[]; newImage: boolean } {
  const b = componentsOf(before);
  const a = componentsOf(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort(cmp);
  const components: ComponentChange[] = [];
  let newImage = false;
  for (const name of names) {
    const x = b.get(name);
    const y = a.get(name);
    if (x && y && canonicalJson(x) === canonicalJson(y)) continue;
    if (y && (!x || x.image !== y.image)) newImage = true;
    components.push({ name, ...(x ? { before: stateOf(x) } : {}), ...(y ? { after: stateOf(y) } : {}) });
  }
  return { components, newImage };
}

const KIND_ORDER: Record<ChangeKind, number> = { deleted: 0, created: 1, settings: 2, promotion: 3, booking: 4 };

/** Stage position: base order first (the policy in force), then stages only head knows, then by name. */
function stageRank(base: Estate, head: Estate): (stage: string | null) => [number, string] {
  const order = [...stageNames(base)];
  for (const s of stageNames(head)) if (!order.includes(s)) order.push(s);
  return (stage) => {
    if (stage === null) return [-1, ''];
    const i = order.indexOf(stage);
    return [i === -1 ? order.length : i, stage];
  };
}

export function computeChanges(params: ChangesParams): Change[] {
  const { base, head } = params;
  const changes: Change[] = [];
  const b = indexFiles(base);
  const h = indexFiles(head);

  // Platform-wide: platform.yaml, tenants, templates, anything unknown outside a Fachverfahren.
  const changedRel = (rel: string) => !sameBytes(base.files.get(b.root.get(rel) ?? ''), head.files.get(h.root.get(rel) ?? ''));
  const verfahrenTouched = new Set<string>();
  for (const rel of [...new Set([...b.root.keys(), ...h.root.keys()])].sort(cmp)) {
    const place = placeOf(rel);
    if (place.kind === 'ignored' || !changedRel(rel)) continue;
    const files = unique([b.root.get(rel), h.root.get(rel)]);
    if (place.kind === 'platform' || place.kind === 'tenant' || place.kind === 'other') {
      changes.push({ verfahren: null, stage: null, kind: 'settings', components: [], files });
    } else {
      verfahrenTouched.add(place.verfahren);
    }
  }
  for (const rel of [...new Set([...b.templates.keys(), ...h.templates.keys()])].sort(cmp)) {
    const bf = b.templates.get(rel);
    const hf = h.templates.get(rel);
    if (sameBytes(bf ? base.files.get(bf) : undefined, hf ? head.files.get(hf) : undefined)) continue;
    changes.push({ verfahren: null, stage: null, kind: 'settings', components: [], files: unique([bf, hf]) });
  }
  if (canonicalJson(base.settings) !== canonicalJson(head.settings) || !sameBytes(base.settingsFile, head.settingsFile)) {
    changes.push({ verfahren: null, stage: null, kind: 'settings', components: [], files: [SETTINGS_PATH] });
  }

  // Per Fachverfahren: verfahren.yaml, each stage booking, stray files in its directory.
  // Stages by Fachverfahren in one pass over the paths (not one pass per Fachverfahren: that is quadratic).
  const bookingStages = new Map<string, string[]>();
  const strayFiles = new Map<string, string[]>();
  for (const rel of [...new Set([...b.root.keys(), ...h.root.keys()])]) {
    const place = placeOf(rel);
    if (place.kind !== 'booking' && place.kind !== 'verfahren-other') continue;
    const index = place.kind === 'booking' ? bookingStages : strayFiles;
    const list = index.get(place.verfahren) ?? [];
    list.push(place.kind === 'booking' ? place.stage : rel);
    index.set(place.verfahren, list);
  }
  for (const name of [...verfahrenTouched].sort(cmp)) {
    const be = base.verfahren.get(name);
    const he = head.verfahren.get(name);
    const vRel = `verfahren/${name}/verfahren.yaml`;
    const inBase = b.root.has(vRel);
    const inHead = h.root.has(vRel);
    if (changedRel(vRel)) {
      const kind: ChangeKind = !inBase ? 'created' : !inHead ? 'deleted' : 'settings';
      changes.push({ verfahren: name, stage: null, kind, components: [], files: unique([b.root.get(vRel), h.root.get(vRel)]) });
    }
    // By path, not by bookingFiles: a file whose name is not a valid stage is still a change.
    const stages = bookingStages.get(name) ?? [];
    for (const stage of stages) {
      const rel = `verfahren/${name}/${stage}.yaml`;
      if (!changedRel(rel)) continue;
      const bf = b.root.get(rel);
      const hf = h.root.get(rel);
      const files = unique([bf, hf]);
      const before = be?.bookings.get(stage);
      const after = he?.bookings.get(stage);
      if (!hf) {
        changes.push({ verfahren: name, stage, kind: 'deleted', components: diffComponents(before, undefined).components, files });
      } else if (!bf) {
        changes.push({ verfahren: name, stage, kind: 'created', components: diffComponents(undefined, after).components, files });
      } else if (!after) {
        // The head file does not parse: still a change to this stage, contents unknown.
        changes.push({ verfahren: name, stage, kind: 'booking', components: [], files });
      } else {
        const d = diffComponents(before, after);
        changes.push({ verfahren: name, stage, kind: d.newImage ? 'promotion' : 'booking', components: d.components, files });
      }
    }
    // Files in the directory that are neither verfahren.yaml nor a booking (findings elsewhere).
    const prefix = `verfahren/${name}/`;
    const stray = (strayFiles.get(name) ?? []).filter((rel) => rel.startsWith(prefix) && changedRel(rel)).sort(cmp);
    if (stray.length > 0) {
      const files = unique(stray.flatMap((rel) => [b.root.get(rel), h.root.get(rel)]));
      changes.push({ verfahren: name, stage: null, kind: 'settings', components: [], files });
    }
  }

  const rank = stageRank(base, head);
  return changes.sort((x, y) => {
    if ((x.verfahren === null) !== (y.verfahren === null)) return x.verfahren === null ? -1 : 1;
    const [xi, xs] = rank(x.stage);
    const [yi, ys] = rank(y.stage);
    return (
      cmp(x.verfahren ?? '', y.verfahren ?? '') ||
      xi - yi ||
      cmp(xs, ys) ||
      KIND_ORDER[x.kind] - KIND_ORDER[y.kind] ||
      cmp(x.files.join('\n'), y.files.join('\n'))
    );
  });
}

function unique(files: readonly (string | undefined)[]): string[] {
  return [...new Set(files.filter((f): f is string => f !== undefined))].sort(cmp);
}
