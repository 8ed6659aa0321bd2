/**
 * Hardened YAML reading. Untrusted bytes in, one plain JSON-like value plus a map from JSON
 * pointer to source line out; every problem is a Diagnostic, never an exception or a hang.
 *
 * js-yaml's event parser gives source offsets, so we walk the events once to record lines,
 * reject duplicate keys, custom tags and alias bombs, and then let js-yaml construct the value
 * from the same events.
 */
import { parseEvents, constructFromEvents, getScalarValue, CORE_SCHEMA, EVENT_ID, YAMLException } from 'js-yaml';
import type { Event } from 'js-yaml';
import { load as loadPlain, CORE_SCHEMA as PLAIN_CORE_SCHEMA } from 'js-yaml-4';
import { diagnostic, type Diagnostic } from './diagnostics.js';

export const YAML_LIMITS = {
  /** Largest file we parse; estate documents are a few KiB. */
  maxBytes: 256 * 1024,
  maxDepth: 32,
  /** Aliases per document, and nodes all aliases may expand to together. */
  maxAliases: 50,
  maxExpandedNodes: 10_000,
} as const;

/** Standard tags that only restate what plain YAML already means. */
const ALLOWED_TAGS = new Set(['!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq']);

export interface LineIndex {
  /** Line (1-based) of the key or item at this JSON pointer; falls back to the nearest ancestor. */
  lineOf(pointer: string): number;
}

export interface ParsedYaml {
  readonly value?: unknown;
  readonly lines: LineIndex;
  readonly diagnostics: Diagnostic[];
}

class PointerLines implements LineIndex {
  readonly map = new Map<string, number>();
  lineOf(pointer: string): number {
    let p = pointer;
    for (;;) {
      const line = this.map.get(p);
      if (line !== undefined) return line;
      if (p === '') return 1;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
}

export function escapePointer(segment: string): string {
  // Fast path: almost no key needs escaping, and this runs for every key of every file.
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Offsets of line starts, for offset → line lookups by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Index of the first byte that does not start or continue valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) n++;
  return n;
}

interface Frame {
  kind: 'map' | 'seq';
  pointer: string;
  /** For maps: the key awaiting its value, undefined while a key is expected. */
  key?: string;
  keys?: Set<string>;
  index: number;
  /** Nodes inside this collection, counting alias expansions (for anchors). */
  nodes: number;
  anchor?: string;
}

/**
 * Reads one YAML file that must hold exactly one document.
 * @param file repository-relative path, used in diagnostics
 */
export function parseYaml(file: string, bytes: Uint8Array): ParsedYaml {
  return readYaml(file, bytes, true);
}

function readYaml(file: string, bytes: Uint8Array, fast: boolean): ParsedYaml {
  const fail = (d: Diagnostic): ParsedYaml => ({ lines: new PointerLines(), diagnostics: [d] });

  if (bytes.length > YAML_LIMITS.maxBytes) {
    return fail(diagnostic('yaml-too-large', { file, line: 1, params: { size: bytes.length, limit: YAML_LIMITS.maxBytes } }));
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    return fail(diagnostic('yaml-not-utf8', { file, line: countNewlines(bytes, bad) + 1, params: { offset: bad } }));
  }
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const value = fast ? fastLoad(file, text) : undefined;
  if (value !== undefined) return { value, lines: new LazyLines(text), diagnostics: [] };
  return carefulLoad(file, text, new PointerLines());
}

/** parseYaml without the fast path: always the event parser. For tests comparing both paths. */
export function parseYamlCarefully(file: string, bytes: Uint8Array): ParsedYaml {
  return readYaml(file, bytes, false);
}

/**
 * The common case, fast: a plain document without anchors or tags, loaded by js-yaml 4's
 * recursive-descent loader (several times faster than the event parser). Undefined when the
 * text needs the careful path: anything it rejects, anchors/aliases (the expansion bound needs
 * the events), tags, empty or null documents. Lines are then computed only when asked for.
 */
function fastLoad(file: string, text: string): unknown {
  // js-yaml 4 would also accept complex keys (`? …`, `[a]: …`) by stringifying them.
  if (/[&!]/.test(text) || /^[ \t-]*\?(\s|$)/m.test(text) || /[\]}][ \t]*:(\s|$)/.test(text)) return undefined;
  try {
    const value: unknown = loadPlain(text, { filename: file, schema: PLAIN_CORE_SCHEMA, json: false, maxDepth: YAML_LIMITS.maxDepth });
    return value === null ? undefined : value;
  } catch {
    // Not an answer: the careful path finds the problem again and says precisely what and where.
    return undefined;
  }
}

/** Line index built on first use: most files never have a finding, so most never need one. */
class LazyLines implements LineIndex {
  private lines?: PointerLines;
  constructor(private readonly text: string) {}
  lineOf(pointer: string): number {
    if (!this.lines) {
      this.lines = new PointerLines();
      carefulLoad('', this.text, this.lines);
    }
    return this.lines.lineOf(pointer);
  }
}

/**
 * The careful path: js-yaml 5's event parser with source offsets. One walk over the events
 * records the line of every key and item into `lines`, and rejects duplicate keys, custom tags
 * and alias bombs; then the value is constructed from the same events.
 */
function carefulLoad(file: string, text: string, lines: PointerLines): ParsedYaml {
  const fail = (d: Diagnostic): ParsedYaml => ({ lines, diagnostics: [d] });
  const starts = lineStarts(text);

  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: YAML_LIMITS.maxDepth });
  } catch (error) {
    return fail(parseFailure(file, error, starts));
  }

  const documents = events.filter((e) => e.type === EVENT_ID.DOCUMENT).length;
  if (documents === 0 || events.length <= 2) {
    return fail(diagnostic('yaml-empty', { file, line: 1 }));
  }
  if (documents > 1) {
    const second = events.findIndex((e, i) => e.type === EVENT_ID.DOCUMENT && i > 0);
    const next = events.slice(second + 1).find((e) => 'start' in e || 'valueStart' in e);
    const at = next ? ('start' in next ? next.start : next.valueStart) : text.length;
    return fail(diagnostic('yaml-multiple-documents', { file, line: lineAt(starts, Math.max(0, at)), params: { count: documents } }));
  }

  const problems: Diagnostic[] = [];
  const anchors = new Map<string, number>();
  const stack: Frame[] = [];
  let aliases = 0;
  let expanded = 0;

  /** The pointer of the node that is about to start, and records its line. */
  const place = (offset: number): string | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'seq') {
      const pointer = `${top.pointer}/${top.index++}`;
      lines.map.set(pointer, lineAt(starts, offset));
      return pointer;
    }
    // map: this node is the value for top.key
    const pointer = `${top.pointer}/${escapePointer(top.key ?? '')}`;
    if (!lines.map.has(pointer)) lines.map.set(pointer, lineAt(starts, offset));
    top.key = undefined;
    return pointer;
  };
  const expectingKey = (): Frame | undefined => {
    const top = stack[stack.length - 1];
    return top && top.kind === 'map' && top.key === undefined ? top : undefined;
  };
  const count = (n: number): void => {
    for (const f of stack) f.nodes += n;
  };
  const checkTag = (e: { tagStart: number; tagEnd: number }): void => {
    if (e.tagStart < 0) return;
    const tag = text.slice(e.tagStart, e.tagEnd);
    if (!ALLOWED_TAGS.has(tag)) {
      problems.push(diagnostic('yaml-custom-tag', { file, line: lineAt(starts, e.tagStart), params: { tag: tag.slice(0, 60) } }));
    }
  };
  const anchorOf = (e: { anchorStart: number; anchorEnd: number }): string | undefined =>
    e.anchorStart >= 0 ? text.slice(e.anchorStart, e.anchorEnd) : undefined;

  for (const e of events) {
    if (problems.length > 0) break;
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (expectingKey()) {
          problems.push(diagnostic('yaml-syntax', { file, line: lineAt(starts, e.start), params: { reason: 'complex mapping key' } }));
          break;
        }
        checkTag(e);
        const pointer = place(e.start) ?? '';
        count(1);
        stack.push({ kind: e.type === EVENT_ID.MAPPING ? 'map' : 'seq', pointer, index: 0, nodes: 1, keys: new Set(), anchor: anchorOf(e) });
        break;
      }
      case EVENT_ID.SCALAR: {
        checkTag(e);
        const keyFrame = expectingKey();
        if (keyFrame) {
          const key = getScalarValue(text, e);
          if (keyFrame.keys?.has(key)) {
            problems.push(diagnostic('yaml-duplicate-key', { file, line: lineAt(starts, e.valueStart), params: { key: key.slice(0, 80) } }));
          }
          keyFrame.keys?.add(key);
          keyFrame.key = key;
          lines.map.set(`${keyFrame.pointer}/${escapePointer(key)}`, lineAt(starts, e.valueStart));
          break;
        }
        place(Math.max(0, e.valueStart));
        count(1);
        const anchor = anchorOf(e);
        if (anchor) anchors.set(anchor, 1);
        break;
      }
      case EVENT_ID.ALIAS: {
        const line = lineAt(starts, e.anchorStart);
        if (expectingKey()) {
          problems.push(diagnostic('yaml-syntax', { file, line, params: { reason: 'alias as mapping key' } }));
          break;
        }
        place(e.anchorStart);
        const size = anchors.get(text.slice(e.anchorStart + 1, e.anchorEnd)) ?? anchors.get(text.slice(e.anchorStart, e.anchorEnd)) ?? 1;
        aliases++;
        expanded += size;
        count(size);
        if (aliases > YAML_LIMITS.maxAliases || expanded > YAML_LIMITS.maxExpandedNodes) {
          problems.push(diagnostic('yaml-alias-limit', { file, line, params: { aliases: YAML_LIMITS.maxAliases, nodes: YAML_LIMITS.maxExpandedNodes } }));
        }
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame?.anchor) anchors.set(frame.anchor, frame.nodes);
        break;
      }
    }
  }
  if (problems.length > 0) return { lines, diagnostics: problems };

  try {
    const [value] = constructFromEvents(events, { source: text, filename: file, schema: CORE_SCHEMA, maxAliases: YAML_LIMITS.maxAliases });
    // A document that is only `---` or `~` holds nothing either.
    if (value === null || value === undefined) return fail(diagnostic('yaml-empty', { file, line: 1 }));
    return { value, lines, diagnostics: [] };
  } catch (error) {
    return fail(parseFailure(file, error, starts));
  }
}

function parseFailure(file: string, error: unknown, starts: number[]): Diagnostic {
  if (error instanceof YAMLException) {
    const position = error.mark?.position;
    const line = position !== undefined ? lineAt(starts, position) : (error.mark?.line ?? 0) + 1;
    const reason = error.reason ?? error.message;
    if (/maxDepth|nesting/i.test(reason)) return diagnostic('yaml-too-deep', { file, line, params: { limit: YAML_LIMITS.maxDepth } });
    if (/duplicated mapping key/i.test(reason)) return diagnostic('yaml-duplicate-key', { file, line, params: { key: '' } });
    if (/unknown .*tag/i.test(reason)) return diagnostic('yaml-custom-tag', { file, line, params: { tag: reason.slice(0, 80) } });
    if (/alias/i.test(reason)) return diagnostic('yaml-alias-limit', { file, line, params: { aliases: YAML_LIMITS.maxAliases, nodes: YAML_LIMITS.maxExpandedNodes } });
    return diagnostic('yaml-syntax', { file, line, params: { reason: reason.slice(0, 200) } });
  }
  // Anything else thrown while parsing untrusted text is still the text's fault (e.g. a stack
  // overflow in a pathological input); report it without leaking internals.
  return diagnostic('yaml-syntax', { file, line: 1, params: { reason: error instanceof RangeError ? 'input too complex' : 'unreadable' } });
}
