/**
 * GitHub's secondary rate limits for content-creating requests, as a gate in front of the
 * strict OpenAPI mock (`mock.gate = budget`): about one second between writes, at most 80 a
 * minute and 500 an hour. A request beyond that is answered as GitHub answers it: 403 with the
 * secondary-rate-limit message and a `retry-after` header.
 *
 * Content-creating: POST, PATCH, PUT and DELETE on api.github.com, except the installation
 * token (GitHub counts it separately). Two clocks:
 *   - 'real': wall time; the app's real throttling must space its writes (a jitter tolerance
 *     keeps a loaded machine from failing a correctly spaced client);
 *   - 'virtual': each write happens one spacing after the previous one, reads take no time.
 *     The windows are then counted in simulated time, without waiting: what 1,000 writes at one
 *     a second would do to the hourly budget, in milliseconds (tests and bench/github-budget.mjs).
 */

export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

/**
 * @typedef {object} BudgetOptions
 * @property {'real' | 'virtual'} [clock]
 * @property {number} [spacingMs]   minimum time between two writes (default 1,000 ms)
 * @property {number} [toleranceMs] real clock only: how much earlier a write may arrive (request jitter), default 500 ms
 * @property {number} [perMinute]   default 80
 * @property {number} [perHour]     default 500
 * @property {number} [minuteMs]    window lengths (defaults 60 s and 1 h); a test may shorten them to see a window end
 * @property {number} [hourMs]
 */

/** @param {{ method: string, path: string }} r */
export function isContentCreating(r) {
  if (r.method === 'GET' || r.method === 'HEAD') return false;
  return !/^\/app\/installations\/[^/]+\/access_tokens$/.test(r.path.split('?')[0]);
}

export class GitHubBudget {
  /** @type {{ at: number, method: string, path: string }[]} accepted writes */
  writes = [];
  /** @type {{ at: number, method: string, path: string, reason: 'spacing' | 'minute' | 'hour' }[]} */
  refusals = [];
  #o;
  #start;
  #virtualNow = 0;

  /** @param {BudgetOptions} [options] */
  constructor(options = {}) {
    this.#o = { clock: 'real', spacingMs: 1_000, toleranceMs: 500, perMinute: 80, perHour: 500, minuteMs: 60_000, hourMs: 3_600_000, ...options };
    this.#start = Date.now();
  }

  /** Milliseconds since the budget started (real or simulated). */
  now() {
    return this.#o.clock === 'virtual' ? this.#virtualNow : Date.now() - this.#start;
  }

  /** Virtual clock: time passes (e.g. a wait the test simulates). @param {number} ms */
  advance(ms) {
    this.#virtualNow += ms;
  }

  /** Simulated duration so far (virtual clock): every write one spacing after the previous. */
  get elapsedMs() {
    return this.now();
  }

  /** The mock's gate: undefined admits the request, a reply refuses it. @param {{ method: string, path: string }} r */
  admit(r) {
    if (!isContentCreating(r)) return undefined;
    const o = this.#o;
    const last = this.writes.at(-1);
    let at = this.now();
    if (o.clock === 'virtual') {
      at = last ? Math.max(at, last.at + o.spacingMs) : at;
      this.#virtualNow = at;
    }
    const write = { at, method: r.method, path: r.path };
    const inWindow = (ms) => this.writes.filter((w) => w.at > at - ms);
    const refuse = (reason, retryAfterMs) => {
      this.refusals.push({ ...write, reason });
      return {
        status: 403,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'x-github-request-id': `BUDGET:${this.refusals.length}` },
        body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '403' },
      };
    };
    if (o.clock === 'real' && last && at - last.at < o.spacingMs - o.toleranceMs) return refuse('spacing', o.spacingMs);
    const minute = inWindow(o.minuteMs);
    if (minute.length >= o.perMinute) return refuse('minute', minute[0].at + o.minuteMs - at);
    const hour = inWindow(o.hourMs);
    if (hour.length >= o.perHour) return refuse('hour', hour[0].at + o.hourMs - at);
    this.writes.push(write);
    return undefined;
  }

  /** Most writes in any window of this length. */
  /** @param {number} windowMs */
  peak(windowMs) {
    let best = 0;
    for (let i = 0, j = 0; i < this.writes.length; i++) {
      while (this.writes[i].at - this.writes[j].at >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }
}
