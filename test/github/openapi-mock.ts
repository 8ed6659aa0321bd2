/**
 * A strict HTTP mock for GitHub, in the spirit of renovate's test/http-mock.ts: no request
 * leaves the process, every request must have been registered, every registered mock must be
 * used, and — beyond renovate — every request to api.github.com is checked against GitHub's
 * own REST description (@octokit/openapi): the operation for METHOD + path exists, the path
 * and query parameters fit their schemas, and the JSON body validates against the
 * operation's requestBody schema. `verify()` (call it in afterEach) throws one readable
 * error listing every problem.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
export const API = 'https://api.github.com';
export const CODELOAD = 'https://codeload.github.com';

// ---------------------------------------------------------------------------------------
// The REST description

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
  'x-multi-segment'?: boolean;
}

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly regex: RegExp;
  readonly literalLength: number;
  readonly pathParams: string[];
  readonly parameters: Parameter[];
  readonly requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> };
}

export interface RequestRecord {
  readonly method: string;
  /** Path with query, as sent. */
  readonly path: string;
  readonly body: unknown;
  readonly host: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

let description: { paths: Record<string, Record<string, JsonObject>>; components: Record<string, Record<string, JsonObject>> } | undefined;

function loadDescription() {
  if (!description) {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    description = JSON.parse(readFileSync(file, 'utf8'));
  }
  return description!;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Checks requests against api.github.com's OpenAPI 3.0 description. Request-body schemas are
 * compiled on demand; `$ref`s into components are copied into local `definitions` so each
 * compiled schema is self-contained.
 */
export class OpenApiValidator {
  readonly #operations: Operation[] = [];
  readonly #ajv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    const doc = loadDescription();
    for (const [template, item] of Object.entries(doc.paths)) {
      const shared = ((item as JsonObject).parameters ?? []) as unknown as JsonObject[];
      for (const method of METHODS) {
        const op = item[method] as JsonObject | undefined;
        if (!op) continue;
        const parameters = [...shared, ...(((op.parameters ?? []) as unknown as JsonObject[]))].map((p) => this.#resolve(p) as unknown as Parameter);
        const pathParams: string[] = [];
        const multi = new Set(parameters.filter((p) => p.in === 'path' && p['x-multi-segment']).map((p) => p.name));
        const pattern = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const m = /^\{([^}]+)\}$/.exec(part);
            if (!m) return escapeRegex(part);
            pathParams.push(m[1]);
            return multi.has(m[1]) ? '(.+)' : '([^/]+)';
          })
          .join('');
        this.#operations.push({
          method: method.toUpperCase(),
          template,
          operationId: String(op.operationId),
          regex: new RegExp(`^${pattern}$`),
          literalLength: template.replace(/\{[^}]+\}/g, '').length,
          pathParams,
          parameters,
          ...(op.requestBody ? { requestBody: this.#resolve(op.requestBody as JsonObject) as Operation['requestBody'] } : {}),
        });
      }
    }
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, coerceTypes: false });
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    (addFormats as unknown as (ajv: Ajv) => void)(this.#ajv);
  }

  #resolve(node: JsonObject): JsonObject {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
    const target = loadDescription().components[section]?.[name];
    if (!target) throw new Error(`unresolvable $ref ${ref}`);
    return this.#resolve(target);
  }

  /** Self-contained copy of a schema: component refs become local definitions. */
  #bundle(schema: JsonObject): JsonObject {
    const definitions: Record<string, Json> = {};
    const components = loadDescription().components.schemas ?? {};
    const visit = (node: Json): Json => {
      if (Array.isArray(node)) return node.map(visit);
      if (node === null || typeof node !== 'object') return node;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
          const name = v.slice('#/components/schemas/'.length);
          if (!(name in definitions)) {
            definitions[name] = {};
            definitions[name] = visit(components[name] as Json);
          }
          out.$ref = `#/definitions/${name}`;
        } else if (k === 'example' || k === 'examples' || k === 'description') {
          continue;
        } else {
          out[k] = visit(v);
        }
      }
      return out;
    };
    const root = visit(schema) as JsonObject;
    return { ...root, definitions };
  }

  #validator(key: string, schema: JsonObject): ValidateFunction {
    let v = this.#compiled.get(key);
    if (!v) {
      v = this.#ajv.compile(this.#bundle(schema));
      this.#compiled.set(key, v);
    }
    return v;
  }

  /** The operation a request addresses: the matching template with the most literal text. */
  find(method: string, pathname: string): Operation | undefined {
    let best: Operation | undefined;
    for (const op of this.#operations) {
      if (op.method !== method.toUpperCase() || !op.regex.test(pathname)) continue;
      if (!best || op.literalLength > best.literalLength) best = op;
    }
    return best;
  }

  /** Problems with one request; empty when GitHub's description accepts it. */
  check(request: { method: string; url: string; body: unknown }): string[] {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const label = `${method} ${url.pathname}${url.search}`;
    const op = this.find(method, url.pathname);
    if (!op) return [`${label}: no operation in GitHub's REST description (api.github.com) for this method and path`];
    const problems: string[] = [];
    const say = (msg: string) => problems.push(`${label} (${op.operationId}): ${msg}`);

    const values = op.regex.exec(url.pathname)!.slice(1);
    op.pathParams.forEach((name, i) => {
      const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
      if (!param?.schema) return;
      const value = decodeURIComponent(values[i]);
      const errors = this.#checkScalar(`${op.operationId}:path:${name}`, param.schema, value);
      if (errors) say(`path parameter ${name}=${JSON.stringify(value)} ${errors}`);
    });

    for (const [name, value] of url.searchParams) {
      const param = op.parameters.find((p) => p.in === 'query' && p.name === name);
      if (!param) {
        say(`unknown query parameter ${name}`);
        continue;
      }
      if (!param.schema) continue;
      const errors = this.#checkScalar(`${op.operationId}:query:${name}`, param.schema, value);
      if (errors) say(`query parameter ${name}=${JSON.stringify(value)} ${errors}`);
    }

    const hasBody = request.body !== undefined && request.body !== '' && request.body !== null;
    const schema = op.requestBody?.content?.['application/json']?.schema;
    if (!hasBody) {
      if (op.requestBody?.required) say('request body is required');
      return problems;
    }
    if (!op.requestBody) {
      say('this operation takes no request body');
      return problems;
    }
    if (!schema) return problems;
    let body = request.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        say('request body is not JSON');
        return problems;
      }
    }
    const validate = this.#validator(`${op.operationId}:body`, schema);
    if (!validate(body)) say(formatErrors(validate.errors ?? [], 'body'));
    return problems;
  }

  #checkScalar(key: string, schema: JsonObject, raw: string): string | undefined {
    const type = schema.type;
    let value: unknown = raw;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    if (type === 'boolean' && (raw === 'true' || raw === 'false')) value = raw === 'true';
    const validate = this.#validator(key, schema);
    return validate(value) ? undefined : formatErrors(validate.errors ?? [], 'value');
  }
}

function formatErrors(errors: ErrorObject[], root: string): string {
  return errors
    .map((e) => {
      const where = `${root}${e.instancePath}`;
      const allowed = e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
      return `${where} ${e.message}${allowed}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------
// The mock

export interface Reply {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ExpectOptions {
  /** How often this exact request is expected (default 1). */
  readonly times?: number;
  /** Answer it any number of times (a count that depends on the run); never used still fails. */
  readonly persist?: boolean;
}

type ReplyFn = (request: RequestRecord) => Reply;

/**
 * A layer in front of the mock's answers (test/github/github-budget.mjs): it may refuse a
 * request (GitHub's secondary-rate-limit 403) before the registered reply runs. A refused
 * request does not use up its expectation: the client's retry finds it again.
 */
export interface RequestGate {
  admit(request: RequestRecord): Reply | undefined;
}

let sharedValidator: OpenApiValidator | undefined;
export function openApiValidator(): OpenApiValidator {
  sharedValidator ??= new OpenApiValidator();
  return sharedValidator;
}

export class GitHubMock {
  readonly validator = openApiValidator();
  /** Every request answered by a mock, in order. */
  readonly requests: RequestRecord[] = [];
  /** Requests the gate refused (not in `requests`). */
  readonly refused: RequestRecord[] = [];
  /** Optional budget in front of every api.github.com answer. */
  gate: RequestGate | undefined;
  readonly #problems: string[] = [];
  readonly #scopes: nock.Scope[] = [];
  readonly #onNoMatch = (req: { method?: string; href?: string; path?: string; host?: string; options?: { href?: string } }) => {
    const url = req.href ?? req.options?.href ?? `${req.host ?? ''}${req.path ?? ''}`;
    // Loopback traffic is the test's own server (webhook middleware), not GitHub.
    if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return;
    this.#problems.push(`unexpected request (no mock registered): ${req.method ?? '?'} ${url}`);
  };

  constructor() {
    nock.disableNetConnect();
    nock.emitter.on('no match', this.#onNoMatch);
  }

  /**
   * Registers an expected request to api.github.com. `path` may carry a query string, which
   * must then match exactly. The reply is a value or a function of the recorded request.
   */
  on(method: string, path: string | RegExp, reply: Reply | ReplyFn = {}, options: ExpectOptions = {}): this {
    return this.#register(API, method, path, reply, options);
  }

  /** The tarball endpoint answers with a redirect to codeload, as GitHub does. */
  tarball(owner: string, repo: string, ref: string, archive: Uint8Array, options: ExpectOptions = {}): this {
    const location = `${CODELOAD}/${owner}/${repo}/legacy.tar.gz/${ref}`;
    this.on('GET', `/repos/${owner}/${repo}/tarball/${ref}`, { status: 302, headers: { location } }, options);
    return this.#register(CODELOAD, 'GET', `/${owner}/${repo}/legacy.tar.gz/${ref}`, {
      status: 200,
      body: Buffer.from(archive),
      headers: { 'content-type': 'application/x-gzip' },
    }, options);
  }

  #register(origin: string, method: string, path: string | RegExp, reply: Reply | ReplyFn, options: ExpectOptions): this {
    const scope = nock(origin);
    if (options.persist) scope.persist();
    const interceptor = scope.intercept(path, method.toUpperCase());
    interceptor.times(options.times ?? 1).reply((uri, requestBody) => {
      const record: RequestRecord = { method: method.toUpperCase(), path: uri, body: parseBody(requestBody), host: new URL(origin).host };
      const refusal = origin === API ? this.gate?.admit(record) : undefined;
      if (refusal) {
        this.refused.push(record);
        this.#register(origin, method, path, reply, { times: 1 });
        return [refusal.status ?? 403, JSON.stringify(refusal.body ?? {}), { 'content-type': 'application/json; charset=utf-8', ...refusal.headers }];
      }
      this.requests.push(record);
      if (origin === API) {
        this.#problems.push(...this.validator.check({ method, url: `${origin}${uri}`, body: record.body }));
      }
      const r = typeof reply === 'function' ? reply(record) : reply;
      const body = r.body === undefined ? '' : Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
      const headers = { ...(Buffer.isBuffer(r.body) || r.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...r.headers };
      return [r.status ?? 200, body, headers];
    });
    this.#scopes.push(scope);
    return this;
  }

  /** Requests to api.github.com (codeload downloads left out), e.g. to count them. */
  apiRequests(): RequestRecord[] {
    return this.requests.filter((r) => r.host === 'api.github.com');
  }

  find(method: string, pathPrefix: string): RequestRecord[] {
    return this.requests.filter((r) => r.method === method && r.path.split('?')[0] === pathPrefix);
  }

  /** Problems so far, cleared (for tests of the harness itself). */
  takeProblems(): string[] {
    return this.#problems.splice(0);
  }

  /** Fails on validation problems, unmatched requests and unused mocks; then resets nock. */
  verify(): void {
    const problems = [...this.#problems];
    for (const scope of this.#scopes) {
      for (const pending of scope.pendingMocks()) problems.push(`mock registered but not used: ${pending}`);
    }
    this.dispose();
    if (problems.length > 0) throw new Error(`GitHub HTTP mock:\n  - ${[...new Set(problems)].join('\n  - ')}`);
  }

  dispose(): void {
    nock.emitter.removeListener('no match', this.#onNoMatch);
    nock.cleanAll();
    this.#problems.length = 0;
  }
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
