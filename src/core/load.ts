/**
 * snapshot → Estate. Routes every file under the estate root to its document kind by path,
 * parses it safely, checks kind, names and schema, and keeps what is well-formed.
 */
import { runSteps, runStepsInSlices } from './slices.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { Snapshot } from './snapshot.js';
import { parseYaml, type LineIndex } from './yaml.js';
import { validateSchema, type DocumentKind } from './schemas.js';
import {
  DEFAULT_SETTINGS,
  SETTINGS_FILE,
  type Estate,
  type Located,
  type Settings,
  type SettingsDocument,
  type TemplateOverride,
  type VerfahrenEntry,
  type BookingDocument,
  type VerfahrenDocument,
  type TenantDocument,
  type PlatformDocument,
} from './model.js';
import { builtinTemplates } from './generated/builtin-templates.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface LoadResult<T> {
  readonly value: T;
  readonly diagnostics: Diagnostic[];
}

/** Reads .github/freigabe.yml from a snapshot; a broken file gives findings and the defaults. */
export function loadSettings(snapshot: Snapshot): LoadResult<Settings> {
  const bytes = snapshot.files.get(SETTINGS_FILE) ?? snapshot.files.get('.github/freigabe.yaml');
  if (!bytes) return { value: DEFAULT_SETTINGS, diagnostics: [] };
  const file = snapshot.files.has(SETTINGS_FILE) ? SETTINGS_FILE : '.github/freigabe.yaml';
  const parsed = parseYaml(file, bytes);
  if (parsed.diagnostics.length > 0) return { value: DEFAULT_SETTINGS, diagnostics: parsed.diagnostics.map(asSettings) };
  const value = parsed.value ?? {};
  const problems = validateSchema('Settings', file, value, parsed.lines).map(asSettings);
  if (problems.length > 0) return { value: DEFAULT_SETTINGS, diagnostics: problems };
  const s = value as SettingsDocument;
  return {
    value: {
      root: s.root ?? DEFAULT_SETTINGS.root,
      templates: s.templates ?? DEFAULT_SETTINGS.templates,
      locale: s.locale ?? DEFAULT_SETTINGS.locale,
      output: {
        branchPrefix: s.output?.branchPrefix ?? DEFAULT_SETTINGS.output.branchPrefix,
        branch: s.output?.branch ?? DEFAULT_SETTINGS.output.branch,
        ...(s.output?.repository ? { repository: s.output.repository } : {}),
      },
      reconcileIntervalMinutes: s.reconcileIntervalMinutes ?? DEFAULT_SETTINGS.reconcileIntervalMinutes,
    },
    diagnostics: [],
  };
}

function asSettings(d: Diagnostic): Diagnostic {
  return { ...d, code: 'settings-invalid', params: { ...d.params, cause: d.code } };
}

type Route =
  | { kind: 'Platform' }
  | { kind: 'Tenant'; name: string }
  | { kind: 'Verfahren'; name: string }
  | { kind: 'Booking'; name: string; stage: string }
  | { kind: 'ignored' }
  | { kind: 'unknown' }
  | { kind: 'invalid-path'; segment: string };

/** Where a file sits decides what it must be. `rel` is relative to the estate root. */
function route(rel: string): Route {
  const parts = rel.split('/');
  const badSegment = parts.find((p) => p === '' || p === '.' || p === '..');
  if (badSegment !== undefined) return { kind: 'invalid-path', segment: badSegment };
  if (parts[parts.length - 1].toLowerCase().endsWith('.md') || parts[parts.length - 1] === '.gitkeep') return { kind: 'ignored' };
  if (parts.length === 1 && parts[0] === 'platform.yaml') return { kind: 'Platform' };
  if (parts.length === 2 && parts[0] === 'tenants' && parts[1].endsWith('.yaml')) {
    const name = parts[1].slice(0, -'.yaml'.length);
    return DNS_LABEL.test(name) ? { kind: 'Tenant', name } : { kind: 'invalid-path', segment: parts[1] };
  }
  if (parts.length === 3 && parts[0] === 'verfahren' && parts[2].endsWith('.yaml')) {
    const name = parts[1];
    if (!DNS_LABEL.test(name)) return { kind: 'invalid-path', segment: name };
    const base = parts[2].slice(0, -'.yaml'.length);
    if (base === 'verfahren') return { kind: 'Verfahren', name };
    return DNS_LABEL.test(base) ? { kind: 'Booking', name, stage: base } : { kind: 'invalid-path', segment: parts[2] };
  }
  return { kind: 'unknown' };
}

interface Parsed {
  file: string;
  data: Record<string, unknown>;
  lines: LineIndex;
}

function parseDocument(file: string, bytes: Uint8Array, expected: DocumentKind, out: Diagnostic[]): Parsed | undefined {
  const parsed = parseYaml(file, bytes);
  if (parsed.diagnostics.length > 0) {
    out.push(...parsed.diagnostics);
    return undefined;
  }
  const data = parsed.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    out.push(diagnostic('wrong-kind', { file, line: 1, params: { expected, actual: Array.isArray(data) ? 'list' : typeof data } }));
    return undefined;
  }
  const record = data as Record<string, unknown>;
  if (record.kind !== expected) {
    out.push(
      diagnostic('wrong-kind', {
        file,
        line: parsed.lines.lineOf('/kind'),
        path: '/kind',
        params: { expected, actual: typeof record.kind === 'string' ? record.kind.slice(0, 60) : String(record.kind) },
      }),
    );
    return undefined;
  }
  const problems = validateSchema(expected, file, data, parsed.lines);
  if (problems.length > 0) {
    out.push(...problems);
    return undefined;
  }
  return { file, data: record, lines: parsed.lines };
}

function nameMatches(doc: Parsed, expected: string, out: Diagnostic[]): boolean {
  const name = (doc.data.metadata as { name: string }).name;
  if (name === expected) return true;
  out.push(diagnostic('name-mismatch', { file: doc.file, line: doc.lines.lineOf('/metadata/name'), path: '/metadata/name', params: { name, expected } }));
  return false;
}

export interface LoadParams {
  readonly snapshot: Snapshot;
  /** Settings to use; by default read from the snapshot itself. */
  readonly settings?: Settings;
  /**
   * Parse results shared between loads (e.g. base and head of a plan): a file whose path and
   * bytes equal a cached entry is not parsed and schema-checked again. Filled as a side effect.
   */
  readonly cache?: ParseCache;
}

/** Memo of parseDocument by path; an entry is reused only for identical bytes and kind. */
export type ParseCache = Map<string, { readonly bytes: Uint8Array; readonly expected: DocumentKind; readonly doc?: Parsed; readonly diagnostics: readonly Diagnostic[] }>;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseCached(cache: ParseCache | undefined, file: string, bytes: Uint8Array, expected: DocumentKind, out: Diagnostic[]): Parsed | undefined {
  if (!cache) return parseDocument(file, bytes, expected, out);
  const hit = cache.get(file);
  if (hit && hit.expected === expected && sameBytes(hit.bytes, bytes)) {
    out.push(...hit.diagnostics);
    return hit.doc;
  }
  const diagnostics: Diagnostic[] = [];
  const doc = parseDocument(file, bytes, expected, diagnostics);
  cache.set(file, { bytes, expected, doc, diagnostics });
  out.push(...diagnostics);
  return doc;
}

export function loadEstate(params: LoadParams): LoadResult<Estate> {
  return runSteps(loadSteps(params));
}

/** The same load in slices (src/core/slices.ts): `pause` runs after every `sliceMs` of work, between files. */
export function loadEstateInSlices(params: LoadParams, pause: () => Promise<void>, sliceMs?: number, now?: () => number): Promise<LoadResult<Estate>> {
  return runStepsInSlices(loadSteps(params), pause, sliceMs, now);
}

/** loadEstate as a generator: it yields before each file it reads. */
function* loadSteps(params: LoadParams): Generator<void, LoadResult<Estate>> {
  const { snapshot } = params;
  const diagnostics: Diagnostic[] = [];
  let settings = params.settings;
  if (!settings) {
    const s = loadSettings(snapshot);
    settings = s.value;
    diagnostics.push(...s.diagnostics);
  }
  const rootPrefix = `${settings.root}/`;
  const templatePrefix = `${settings.templates}/`;

  let platform: Located<PlatformDocument> | undefined;
  const tenants = new Map<string, Located<TenantDocument>>();
  const verfahren = new Map<string, { name: string; dir: string; doc?: Located<VerfahrenDocument>; bookings: Map<string, Located<BookingDocument>>; bookingFiles: Map<string, string> }>();
  const templates = new Map<string, TemplateOverride>();
  const files = new Map<string, Uint8Array>();
  const entry = (name: string) => {
    let e = verfahren.get(name);
    if (!e) {
      e = { name, dir: `${settings.root}/verfahren/${name}`, bookings: new Map(), bookingFiles: new Map() };
      verfahren.set(name, e);
    }
    return e;
  };

  for (const file of [...snapshot.files.keys()].sort()) {
    yield;
    const bytes = snapshot.files.get(file)!;
    if (file.startsWith(templatePrefix)) {
      files.set(file, bytes);
      const name = file.slice(templatePrefix.length);
      if (!(name in builtinTemplates)) {
        diagnostics.push(diagnostic('template-unknown', { file, line: 1, params: { name, known: Object.keys(builtinTemplates).join(', ') } }));
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      templates.set(name, { file, text });
      continue;
    }
    if (!file.startsWith(rootPrefix)) continue;
    files.set(file, bytes);
    const r = route(file.slice(rootPrefix.length));
    switch (r.kind) {
      case 'ignored':
        break;
      case 'unknown':
        diagnostics.push(diagnostic('unknown-file', { file, line: 1 }));
        break;
      case 'invalid-path':
        diagnostics.push(diagnostic('invalid-path', { file, line: 1, params: { segment: r.segment.slice(0, 80) } }));
        break;
      case 'Platform': {
        const doc = parseCached(params.cache, file, bytes, 'Platform', diagnostics);
        if (doc) platform = doc as unknown as Located<PlatformDocument>;
        break;
      }
      case 'Tenant': {
        const doc = parseCached(params.cache, file, bytes, 'Tenant', diagnostics);
        if (doc && nameMatches(doc, r.name, diagnostics)) tenants.set(r.name, doc as unknown as Located<TenantDocument>);
        break;
      }
      case 'Verfahren': {
        const e = entry(r.name);
        const doc = parseCached(params.cache, file, bytes, 'Verfahren', diagnostics);
        if (doc && nameMatches(doc, r.name, diagnostics)) e.doc = doc as unknown as Located<VerfahrenDocument>;
        break;
      }
      case 'Booking': {
        const e = entry(r.name);
        e.bookingFiles.set(r.stage, file);
        const doc = parseCached(params.cache, file, bytes, 'Booking', diagnostics);
        if (!doc || !nameMatches(doc, r.name, diagnostics)) break;
        const stage = (doc.data.metadata as { stage: string }).stage;
        if (stage !== r.stage) {
          diagnostics.push(diagnostic('stage-mismatch', { file, line: doc.lines.lineOf('/metadata/stage'), path: '/metadata/stage', params: { stage, expected: r.stage } }));
          break;
        }
        e.bookings.set(r.stage, doc as unknown as Located<BookingDocument>);
        break;
      }
    }
  }

  if (!snapshot.files.has(`${rootPrefix}platform.yaml`) && [...snapshot.files.keys()].some((f) => f.startsWith(rootPrefix))) {
    diagnostics.push(diagnostic('platform-missing', { file: `${rootPrefix}platform.yaml`, line: 1 }));
  }
  for (const e of verfahren.values()) {
    const verfahrenFile = `${e.dir}/verfahren.yaml`;
    if (!snapshot.files.has(verfahrenFile)) {
      for (const file of e.bookingFiles.values()) {
        diagnostics.push(diagnostic('booking-without-verfahren', { file, line: 1, params: { verfahren: e.name, expected: verfahrenFile } }));
      }
    }
  }

  const settingsFile = snapshot.files.get(SETTINGS_FILE) ?? snapshot.files.get('.github/freigabe.yaml');
  const estate: Estate = {
    settings,
    platform,
    tenants,
    verfahren: verfahren as Map<string, VerfahrenEntry>,
    templates,
    files,
    ...(settingsFile ? { settingsFile } : {}),
  };
  return { value: estate, diagnostics };
}
