/**
 * Which failures are GitHub's passing trouble — worth a later attempt — and how long to wait:
 * 5xx, a connection reset or timeout, 429, and a 403 that is a rate limit (secondary: with
 * `retry-after`; primary: `x-ratelimit-remaining: 0`, until `x-ratelimit-reset`).
 */

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

interface ErrorLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
}

function header(error: ErrorLike, name: string): string | undefined {
  const v = error.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

/** Milliseconds GitHub asks us to wait, if it says so. */
function askedDelayMs(error: ErrorLike, nowMs: number): number | undefined {
  const retryAfter = header(error, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs);
  }
  return undefined;
}

export interface Transience {
  /** The wait GitHub asked for (retry-after, rate-limit reset), if any. */
  readonly delayMs?: number;
}

/** undefined: not transient (a bug, bad input, a 404/422): retrying would fail the same way. */
export function transience(error: unknown, nowMs = Date.now()): Transience | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  const status = typeof e.status === 'number' ? e.status : Number(e.status);
  const delay = askedDelayMs(e, nowMs);
  const asked = delay === undefined ? {} : { delayMs: delay };
  if (status >= 500 && status <= 599) return asked;
  if (status === 429) return asked;
  if (status === 403 && (delay !== undefined || /rate limit/i.test(String(e.message ?? '')))) return asked;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return {};
  if (e.cause && e.cause !== error) return transience(e.cause, nowMs);
  return undefined;
}

export interface RetryPolicy {
  /** Attempts in all (the first included). */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** 8 attempts: 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, 300 s apart — a publication is retried within minutes. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 5_000, maxMs: 300_000 };

/** Wait before attempt `failures + 1`: exponential, at least what GitHub asked for. */
export function retryDelayMs(policy: RetryPolicy, failures: number, asked?: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.max(exponential, asked ?? 0);
}
