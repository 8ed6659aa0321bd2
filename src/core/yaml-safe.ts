/**
 * YAML for rendered manifests: the encoder templates use for every value, a canonical emitter
 * for what we write, and a parser for what templates produce.
 *
 * Why our own emitter and a fast-path parser instead of js-yaml's `dump`/`loadAll` alone:
 * js-yaml 5 needs ~110 µs to parse and ~75 µs to dump one Deployment on the reference machine,
 * which made 1,000 Fachverfahren × 4 stages take ~10 s. Rendered manifests only need a tiny,
 * regular subset of YAML, so:
 *  - `emitYaml` writes block YAML with sorted keys and quotes every string that is not
 *    unmistakably a string under YAML 1.1 *and* 1.2 (kubectl's parser is YAML 1.1-flavoured:
 *    `on`, `yes`, `0777` are not strings there);
 *  - `parseManifests` reads the subset our templates emit (block maps and sequences, one value
 *    per line, JSON-quoted strings, simple plain scalars) and hands anything else — flow style,
 *    anchors, tags, folded strings, comments after values — to js-yaml (CORE_SCHEMA, no
 *    aliases). The fast path either returns exactly what js-yaml would or declines; the test
 *    suite checks that difference by difference (test/render-yaml.test.ts).
 */
import { loadAll, CORE_SCHEMA } from 'js-yaml';

/** Characters JSON.stringify leaves raw but YAML treats as line breaks or forbids. */
const UNSAFE_FOR_YAML = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A string as a YAML double-quoted scalar: JSON escaping plus the YAML-only line breaks. */
export function quoteString(value: string): string {
  return JSON.stringify(value).replace(UNSAFE_FOR_YAML, hex4);
}

/**
 * One value as a YAML flow scalar that cannot start a key, document, tag, anchor or comment.
 * Throws for anything that is not a scalar: a template passing an object or a missing field
 * is a template bug, reported as `template-error`.
 */
export function yamlScalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`not a finite number: ${String(value)}`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      throw new Error('value is undefined (missing field?)');
    default:
      if (value === null) return 'null';
      throw new Error(`not a scalar: ${Array.isArray(value) ? 'list' : typeof value}`);
  }
}

// A plain scalar that is a string in YAML 1.1 and 1.2 alike: starts with a letter, no spaces,
// no indicator characters, ':' only inside.
const PLAIN_STRING = /^[A-Za-z_/][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*$/;
// Words YAML 1.1 or 1.2 reads as booleans or null.
const RESERVED_WORD = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function emitString(value: string): string {
  return PLAIN_STRING.test(value) && !RESERVED_WORD.test(value) ? value : quoteString(value);
}

const PADS = Array.from({ length: 64 }, (_, i) => ' '.repeat(i));
const pad = (n: number) => PADS[n] ?? ' '.repeat(n);

/** A scalar (or empty collection) exactly as emitYaml writes it in value position. */
export function emitScalar(value: unknown): string {
  if (typeof value === 'string') return emitString(value);
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return yamlScalar(value);
}

function isNonEmptyCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

function emitMapping(obj: Record<string, unknown>, indent: number, out: string[], firstPrefix?: string): void {
  const spaces = pad(indent);
  const keys = Object.keys(obj).sort();
  keys.forEach((key, i) => {
    const prefix = i === 0 && firstPrefix !== undefined ? firstPrefix : spaces;
    const value = obj[key];
    if (!isNonEmptyCollection(value)) {
      out.push(`${prefix}${emitString(key)}: ${emitScalar(value)}`);
    } else {
      out.push(`${prefix}${emitString(key)}:`);
      emitCollection(value, indent + 2, out);
    }
  });
}

function emitSequence(items: readonly unknown[], indent: number, out: string[]): void {
  const spaces = pad(indent);
  for (const item of items) {
    if (!isNonEmptyCollection(item)) out.push(`${spaces}- ${emitScalar(item)}`);
    else if (Array.isArray(item)) {
      out.push(`${spaces}-`);
      emitSequence(item, indent + 2, out);
    } else emitMapping(item, indent + 2, out, `${spaces}- `);
  }
}

function emitCollection(value: Record<string, unknown> | unknown[], indent: number, out: string[]): void {
  if (Array.isArray(value)) emitSequence(value, indent, out);
  else emitMapping(value, indent, out);
}

/**
 * Canonical YAML of one JSON-like value: block style, keys sorted by code unit, two-space
 * indent, sequences indented under their key, no anchors, no line folding, trailing newline.
 */
export function emitYaml(value: unknown): string {
  const out: string[] = [];
  if (isNonEmptyCollection(value)) emitCollection(value, 0, out);
  else out.push(emitScalar(value));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Parsing rendered template output

export interface ParsedManifests {
  readonly documents?: unknown[];
  /** js-yaml's message when the text is not YAML. */
  readonly error?: string;
  /** Which parser produced the result (for tests and the benchmark). */
  readonly via: 'fast' | 'js-yaml';
}

/** Limits for the js-yaml fallback: template output never needs aliases or deep nesting. */
const FALLBACK_LIMITS = { maxAliases: 0, maxDepth: 64 } as const;

export function parseManifests(text: string): ParsedManifests {
  const fast = parseSubset(text);
  if (fast !== undefined) return { documents: fast, via: 'fast' };
  try {
    return { documents: loadAll(text, { schema: CORE_SCHEMA, ...FALLBACK_LIMITS }), via: 'js-yaml' };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), via: 'js-yaml' };
  }
}

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

interface Line {
  indent: number;
  text: string;
}

// Anything the fast path does not want to reason about: tabs, CR, control and C1 characters,
// YAML 1.1 line breaks, BOM, non-characters and surrogates (so non-BMP text goes to js-yaml).
const FALLBACK_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const CORE_WORD = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;
const PLAIN_VALUE = /^[A-Za-z_/][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*$/;
const INT = /^-?(?:0|[1-9][0-9]{0,14})$/;

/** The YAML subset parser; undefined when the text is outside the subset. */
export function parseSubset(text: string): unknown[] | undefined {
  if (FALLBACK_CHARS.test(text)) return undefined;
  const docs: Line[][] = [[]];
  let sawSeparator = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '---') {
      if (sawSeparator || docs[0].length > 0) docs.push([]);
      sawSeparator = true;
      continue;
    }
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) return undefined;
    docs[docs.length - 1].push({ indent: line.length - body.length, text: body });
  }
  try {
    return docs.map((lines) => (lines.length === 0 ? decline() : new SubsetParser(lines).document()));
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

class SubsetParser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  document(): unknown {
    const value = this.block();
    if (this.i !== this.lines.length) decline();
    return value;
  }

  private block(): unknown {
    const line = this.lines[this.i];
    return isSeqItem(line.text) ? this.sequence(line.indent) : this.mapping(line.indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const lines = this.lines;
    while (this.i < lines.length && lines[this.i].indent === indent && !isSeqItem(lines[this.i].text)) {
      const { key, rest } = splitEntry(lines[this.i].text) ?? decline();
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key)) decline();
      this.i++;
      obj[key] = rest === '' ? this.nested(indent, true) : scalar(rest);
    }
    if (this.i < lines.length && lines[this.i].indent > indent) decline();
    return obj;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    const lines = this.lines;
    while (this.i < lines.length && lines[this.i].indent === indent && isSeqItem(lines[this.i].text)) {
      const text = lines[this.i].text;
      const rest = text === '-' ? '' : text.slice(2);
      if (rest === '') {
        this.i++;
        items.push(this.nested(indent, false));
      } else if (rest.startsWith(' ') || isSeqItem(rest)) {
        decline();
      } else if (splitEntry(rest)) {
        // "- key: value" opens a mapping whose keys sit two columns further in.
        lines[this.i] = { indent: indent + 2, text: rest };
        items.push(this.mapping(indent + 2));
      } else {
        items.push(scalar(rest));
        this.i++;
      }
    }
    if (this.i < lines.length && lines[this.i].indent > indent) decline();
    return items;
  }

  /** The value after "key:" or "-" with nothing on the line. */
  private nested(indent: number, inMapping: boolean): unknown {
    const next = this.lines[this.i];
    if (next === undefined) return null;
    if (next.indent > indent) return this.block();
    // A sequence may sit at the same indent as its mapping key.
    if (inMapping && next.indent === indent && isSeqItem(next.text)) return this.sequence(indent);
    return null;
  }
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

interface Entry {
  readonly key: string;
  readonly rest: string;
}

function splitEntry(text: string): Entry | undefined {
  let key: string;
  let after: number;
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    if (end < 0) return undefined;
    const parsed = jsonString(text.slice(0, end + 1));
    if (parsed === undefined) return undefined;
    key = parsed;
    after = end + 1;
  } else {
    const colon = text.indexOf(':');
    if (colon <= 0) return undefined;
    key = text.slice(0, colon);
    if (!PLAIN_KEY.test(key) || CORE_WORD.test(key)) return undefined;
    after = colon;
  }
  if (text[after] !== ':') return undefined;
  if (after + 1 === text.length) return { key, rest: '' };
  if (text[after + 1] !== ' ') return undefined;
  return { key, rest: text.slice(after + 2).trimStart() };
}

function closingQuote(text: string): number {
  for (let j = 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

function jsonString(quoted: string): string | undefined {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function scalar(text: string): unknown {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith('"')) {
    const end = closingQuote(text);
    if (end !== text.length - 1) decline();
    return jsonString(text) ?? decline();
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (INT.test(text)) return Number(text);
  if (PLAIN_VALUE.test(text) && !CORE_WORD.test(text)) return text;
  return decline();
}
