/**
 * A strict HTTP mock for GitHub, in the spirit of renovate's test/http-mock.ts: no request
 * leaves the process, every request must have been registered, every registered mock must be
 * used, and — beyond renovate — every request to api.github.com is checked against GitHub's
 * own REST description (@octokit/openapi): the operation for METHOD + path exists, the path
 * and query parameters fit their schemas, and the JSON body validates against the
 * operation's requestBody schema. `verify()` (call it in afterEach) throws one readable
 * error listing every problem.
 */
import nock from 'nock';
import { openApiValidator } from './openapi-validator.js';

export { OpenApiValidator, openApiValidator } from './openapi-validator.js';
export const API = 'https://api.github.com';
export const CODELOAD = 'https://codeload.github.com';

// ---------------------------------------------------------------------------------------
// The mock

export interface RequestRecord {
  readonly method: string;
  /** Path with query, as sent. */
  readonly path: string;
  readonly body: unknown;
  readonly host: string;
}

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
