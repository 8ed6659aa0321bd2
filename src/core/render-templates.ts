/**
 * Templates: our own Handlebars instance, strict and without prototype access, whose only
 * output helper is `yaml` (a JSON-encoded scalar). Before a template is compiled its syntax
 * tree is checked, so an override cannot print a value raw: every `{{…}}` must call a helper
 * of ours, triple-stash `{{{…}}}`, partials and decorators are refused.
 */
import Handlebars from 'handlebars';
import { yamlScalar } from './yaml-safe.js';

const hb = Handlebars.create();

const HELPERS = {
  yaml(...args: unknown[]): Handlebars.SafeString {
    const options = args[args.length - 1] as { loc?: { start: { line: number } } };
    if (args.length !== 2) throw new TemplateError('{{yaml}} takes exactly one value', options.loc?.start.line ?? 1);
    const value = args[0];
    try {
      // A JSON-encoded scalar is valid YAML and needs no HTML escaping.
      return new hb.SafeString(yamlScalar(value));
    } catch (e) {
      throw new TemplateError(`{{yaml}}: ${(e as Error).message}`, options.loc?.start.line ?? 1);
    }
  },
} as const;

for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);

const OUR_HELPERS = new Set(Object.keys(HELPERS));
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const KNOWN_HELPERS = Object.fromEntries([...OUR_HELPERS].map((h) => [h, true]));

const COMPILE_OPTIONS = { strict: true, knownHelpersOnly: true, knownHelpers: KNOWN_HELPERS } as const;
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

export type CompiledTemplate = (context: object) => string;

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

function compileUncached(text: string): CompiledTemplate | TemplateError {
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
  const fn = hb.compile(ast as never, COMPILE_OPTIONS);
  return (context: object) => fn(context, RUNTIME_OPTIONS);
}

/** Runs a compiled template; runtime failures become TemplateErrors with the best line we have. */
export function runTemplate(template: CompiledTemplate, context: object): string | TemplateError {
  try {
    return template(context);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    const err = e as { message?: unknown; lineNumber?: unknown };
    const message = String(err.message ?? e);
    const m = / - (\d+):\d+$/.exec(message);
    return new TemplateError(firstLine(message), typeof err.lineNumber === 'number' ? err.lineNumber : m ? Number(m[1]) : 1);
  }
}
