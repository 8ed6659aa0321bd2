/**
 * Templates: our own Handlebars instance, strict and without prototype access, whose only
 * output helper is `yaml` (a JSON-encoded scalar). Before a template is compiled its syntax
 * tree is checked, so an override cannot print a value raw: every `{{…}}` must call a helper
 * of ours, triple-stash `{{{…}}}`, partials and decorators are refused.
 */
import Handlebars from 'handlebars';
import { emitScalar, emitYaml, parseManifests, yamlScalar } from './yaml-safe.js';
import { printable } from './k8s-validate.js';
import { builtinCompiled } from './generated/builtin-compiled.js';
import { builtinTemplates } from './generated/builtin-templates.js';

const hb = Handlebars.create();

const HELPERS = {
  yaml(...args: unknown[]): Handlebars.SafeString {
    const options = args[args.length - 1] as { loc?: { start: { line: number } }; data?: { slots?: unknown[] } };
    if (args.length !== 2) throw new TemplateError('{{yaml}} takes exactly one value', options.loc?.start.line ?? 1);
    const value = args[0];
    try {
      const slots = options.data?.slots;
      // A JSON-encoded scalar is valid YAML and needs no HTML escaping.
      if (slots === undefined) return new hb.SafeString(yamlScalar(value));
      slots.push(slotValue(value));
      return new hb.SafeString(`"${SLOT_PREFIX}${slots.length - 1}__"`);
    } catch (e) {
      throw new TemplateError(`{{yaml}}: ${(e as Error).message}`, options.loc?.start.line ?? 1);
    }
  },
} as const;

/** The value a {{yaml}} scalar reads back as (what parsing yamlScalar's output gives). */
function slotValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') return Number(String(value));
  return yamlScalar(value); // throws the error that names the problem
}

for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);

const OUR_HELPERS = new Set(Object.keys(HELPERS));
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const KNOWN_HELPERS = Object.fromEntries([...OUR_HELPERS].map((h) => [h, true]));

/** scripts/gen-core.mjs precompiles the built-in templates with the same options (a test compares them). */
export const COMPILE_OPTIONS = { strict: true, knownHelpersOnly: true, knownHelpers: KNOWN_HELPERS } as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/** A user-facing template problem, with the 1-based line of the template it concerns. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** A compiled template; `skeletons` caches the parsed shape of its output (see renderTemplate). */
export interface CompiledTemplate {
  readonly run: (context: object, data?: object) => string;
  /** False when the template text itself contains the slot marker, so slots could be forged. */
  readonly slotSafe: boolean;
  readonly skeletons: Map<string, Skeleton | null>;
}

const SLOT_PREFIX = '__fg_slot_';
const SLOT = /__fg_slot_(\d+)__/g;
const SKELETONS_PER_TEMPLATE = 1024;

interface Skeleton {
  /** A fresh copy of the parsed skeleton with the values at their markers. */
  readonly fill: Filler;
  /** Canonical YAML of the document, split at the slot markers: text, slot, text, slot, …, text. */
  readonly parts: readonly string[];
  readonly partSlots: readonly number[];
  /** Every string of the skeleton itself survives kustomize. */
  readonly printable: boolean;
}

type Node = { type: string; loc?: { start: { line: number } } } & Record<string, unknown>;

function lineOf(node: Node): number {
  return node.loc?.start.line ?? 1;
}

/** Walks the syntax tree and refuses every way a value could reach the output unencoded. */
function checkAst(node: Node): void {
  switch (node.type) {
    case 'Program':
      for (const child of node.body as Node[]) checkAst(child);
      return;
    case 'ContentStatement':
    case 'CommentStatement':
      return;
    case 'MustacheStatement': {
      const path = node.path as Node & { original?: unknown };
      const name = typeof path.original === 'string' ? path.original : String(path.original);
      if (node.escaped === false) throw new TemplateError(`{{{${name}}}} prints raw text; write {{yaml ${name}}}`, lineOf(node));
      if (path.type !== 'PathExpression' || !OUR_HELPERS.has(name) || (node.params as Node[]).length !== 1 || node.hash) {
        throw new TemplateError(`{{${name}}} prints a value without encoding it; write {{yaml ${name}}}`, lineOf(node));
      }
      for (const p of node.params as Node[]) checkExpression(p);
      return;
    }
    case 'BlockStatement': {
      const path = node.path as Node & { original?: unknown };
      const name = String(path.original);
      if (!BLOCK_HELPERS.has(name)) throw new TemplateError(`block {{#${name}}} is not allowed; use if, unless, each or with`, lineOf(node));
      for (const p of node.params as Node[]) checkExpression(p);
      if (node.program) checkAst(node.program as Node);
      if (node.inverse) checkAst(node.inverse as Node);
      return;
    }
    default:
      throw new TemplateError(`${node.type.replace(/Statement$/, '').toLowerCase()} is not allowed in freigabe templates`, lineOf(node));
  }
}

function checkExpression(node: Node): void {
  if (node.type === 'SubExpression') {
    const name = String((node.path as Node & { original?: unknown }).original);
    if (!OUR_HELPERS.has(name)) throw new TemplateError(`({${name}}) is not a freigabe helper`, lineOf(node));
    for (const p of node.params as Node[]) checkExpression(p);
  }
}

/** Handlebars puts the line into the message of parse errors only. */
function parseErrorLine(e: unknown): number {
  const err = e as { lineNumber?: unknown; message?: unknown };
  if (typeof err.lineNumber === 'number') return err.lineNumber;
  const m = /line (\d+)/.exec(String(err.message));
  return m ? Number(m[1]) : 1;
}

/** Handlebars parse errors are "Parse error on line N:", a source excerpt, and what was expected. */
function firstLine(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const text = lines.length > 1 && lines[0].endsWith(':') ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0] ?? '';
  return text.slice(0, 300);
}

// Compiled templates by source text. Compiling is the expensive part and a template's text fully
// determines the function, so sharing between renders (plan renders base and head) is safe.
const cache = new Map<string, CompiledTemplate | TemplateError>();
const CACHE_LIMIT = 256;

/** Compiles a template or returns the TemplateError that says what is wrong with it. */
export function compileTemplate(text: string): CompiledTemplate | TemplateError {
  const cached = cache.get(text);
  if (cached) return cached;
  const result = compileUncached(text);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, result);
  return result;
}

/** Built-in template text → its precompiled spec (generated from templates/ by npm run generate). */
const PRECOMPILED = new Map(Object.entries(builtinTemplates).map(([name, text]) => [text, builtinCompiled[name]]));

function compileUncached(text: string): CompiledTemplate | TemplateError {
  const spec = PRECOMPILED.get(text);
  // A built-in template passed the syntax check when it was precompiled (see compileFromText's test).
  return spec ? compiled(text, hb.template(spec as Parameters<typeof hb.template>[0])) : compileFromText(text);
}

/** Parses, checks and compiles a template's text: every override, and the built-ins in tests. */
export function compileFromText(text: string): CompiledTemplate | TemplateError {
  let ast: Node;
  try {
    ast = hb.parse(text) as unknown as Node;
  } catch (e) {
    return new TemplateError(firstLine(String((e as Error).message ?? e)), parseErrorLine(e));
  }
  try {
    checkAst(ast);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  return compiled(text, hb.compile(ast as never, COMPILE_OPTIONS));
}

function compiled(text: string, fn: Handlebars.TemplateDelegate): CompiledTemplate {
  return {
    run: (context: object, data?: object) => fn(context, data ? { ...RUNTIME_OPTIONS, data } : RUNTIME_OPTIONS),
    slotSafe: !text.includes(SLOT_PREFIX),
    skeletons: new Map(),
  };
}

/** Runs a compiled template; runtime failures become TemplateErrors with the best line we have. */
export function runTemplate(template: CompiledTemplate, context: object, data?: object): string | TemplateError {
  try {
    return template.run(context, data);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    const err = e as { message?: unknown; lineNumber?: unknown };
    const message = String(err.message ?? e);
    const m = / - (\d+):\d+$/.exec(message);
    return new TemplateError(firstLine(message), typeof err.lineNumber === 'number' ? err.lineNumber : m ? Number(m[1]) : 1);
  }
}

export interface RenderedDocuments {
  readonly documents?: unknown[];
  /** js-yaml's message when the output is not YAML. */
  readonly parseError?: string;
  /** Canonical YAML of the single document, when the skeleton path already produced it. */
  readonly canonical?: string;
  /** Every string in the documents is known to be printable (so checkObject need not look). */
  readonly printableChecked?: boolean;
}

/**
 * Runs a template and parses its output into documents.
 *
 * Parsing and emitting YAML is most of the cost of rendering, and a template's output has the
 * same shape for every Fachverfahren with the same number of components, env entries and so on;
 * only the scalars differ. So the template first runs with every {{yaml}} value replaced by a
 * numbered marker. That text — the skeleton — is parsed once per distinct shape; the values are
 * then put into a copy of the parsed skeleton, and into its canonical YAML, at their markers.
 * This is exact because a {{yaml}} value is always one complete scalar: it cannot change the
 * structure around it. Where that cannot be shown — a marker missing, repeated, used as a key or
 * as part of a longer string, a tag anywhere, more or fewer than one document — the template is run again
 * normally and its text parsed as usual. Tests compare both paths on every golden file.
 */
export function renderTemplate(template: CompiledTemplate, context: object, skeletons = true): RenderedDocuments | TemplateError {
  if (skeletons && template.slotSafe) {
    const slots: unknown[] = [];
    const text = runTemplate(template, context, { slots });
    if (text instanceof TemplateError) return text;
    let skeleton = template.skeletons.get(text);
    if (skeleton === undefined) {
      skeleton = buildSkeleton(text, slots.length);
      if (template.skeletons.size >= SKELETONS_PER_TEMPLATE) template.skeletons.clear();
      template.skeletons.set(text, skeleton);
    }
    if (skeleton !== null) {
      let canonical = skeleton.parts[0];
      for (let i = 0; i < skeleton.partSlots.length; i++) canonical += emitScalar(slots[skeleton.partSlots[i]]) + skeleton.parts[i + 1];
      return {
        documents: [skeleton.fill(slots)],
        canonical,
        printableChecked: skeleton.printable && slots.every((v) => typeof v !== 'string' || printable(v)),
      };
    }
  }
  const text = runTemplate(template, context);
  if (text instanceof TemplateError) return text;
  const parsed = parseManifests(text);
  return parsed.documents ? { documents: parsed.documents } : { parseError: parsed.error ?? 'unknown error' };
}

function buildSkeleton(text: string, slotCount: number): Skeleton | null {
  // A tag (`!!str {{yaml n}}`) would read the real scalar differently from the marker. Markers are
  // JSON strings without '!', so any '!' comes from the template: take the text path then.
  if (text.includes('!')) return null;
  const parsed = parseManifests(text);
  if (!parsed.documents || parsed.documents.length !== 1) return null;
  const seen = new Array<number>(slotCount).fill(0);
  let sound = true;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes(SLOT_PREFIX)) return;
      const m = /^__fg_slot_(\d+)__$/.exec(value);
      if (m && Number(m[1]) < slotCount) seen[Number(m[1])]++;
      else sound = false;
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes(SLOT_PREFIX)) sound = false;
        visit(v);
      }
    }
  };
  visit(parsed.documents[0]);
  if (!sound || seen.some((n) => n !== 1)) return null;
  const pieces = emitYaml(parsed.documents[0]).split(SLOT);
  // split() with a capture group interleaves the captured slot numbers with the text.
  const parts = pieces.filter((_, i) => i % 2 === 0);
  const partSlots = pieces.filter((_, i) => i % 2 === 1).map(Number);
  let allPrintable = true;
  const scan = (value: unknown): void => {
    if (typeof value === 'string') allPrintable &&= printable(value);
    else if (Array.isArray(value)) value.forEach(scan);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) (allPrintable &&= printable(k), scan(v));
  };
  scan(parsed.documents[0]);
  return { fill: filler(parsed.documents[0]), parts, partSlots, printable: allPrintable };
}

/** Makes a copy of the skeleton document with each marker replaced by its value. */
type Filler = (slots: readonly unknown[]) => unknown;

/**
 * The copy function of a skeleton document, built once per shape: the walk over the document
 * (type tests, key lists, marker tests) is done here, not again for every object rendered.
 */
function filler(value: unknown): Filler {
  if (typeof value === 'string') {
    if (!value.startsWith(SLOT_PREFIX)) return () => value;
    const slot = Number(value.slice(SLOT_PREFIX.length, -2));
    return (slots) => slots[slot];
  }
  if (Array.isArray(value)) {
    const items = value.map(filler);
    return (slots) => items.map((f) => f(slots));
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const fills = keys.map((k) => filler((value as Record<string, unknown>)[k]));
    return (slots) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = fills[i](slots);
        // js-yaml reads a "__proto__" key as an own property; keep it one.
        if (keys[i] === '__proto__') Object.defineProperty(out, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
        else out[keys[i]] = v;
      }
      return out;
    };
  }
  return () => value;
}
