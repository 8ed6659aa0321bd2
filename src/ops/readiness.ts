/**
 * Readiness: may this replica take webhooks? Each dependency is a probe; /readyz
 * (src/ops/endpoints.ts) runs them all, each bounded in time, and answers 503 when one fails.
 * The queue plugs its own `ping()` in as a probe (`readiness.add({ name: 'queue', check })`).
 */
import { Redis } from 'ioredis';

export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

export interface ProbeResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed: for the log only, never for the HTTP answer. */
  readonly error?: string;
}

export class Readiness {
  readonly #probes: ReadinessProbe[] = [];

  add(probe: ReadinessProbe): void {
    this.#probes.push(probe);
  }

  get names(): readonly string[] {
    return this.#probes.map((p) => p.name);
  }

  /** Every probe at once; one that has not answered within `timeoutMs` fails. */
  async check(timeoutMs: number): Promise<ProbeResult[]> {
    return Promise.all(this.#probes.map((probe) => runProbe(probe, timeoutMs)));
  }
}

async function runProbe(probe: ReadinessProbe, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return { name: probe.name, ok: true };
  } catch (error) {
    return { name: probe.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Remembers a probe's last answer for a while, so that Kubernetes probing every few seconds
 * (times the number of replicas) does not spend GitHub's rate limit. Probes arriving while a
 * check runs share it.
 */
export function cached(probe: ReadinessProbe, options: { okMs: number; failedMs: number; now?: () => number }): ReadinessProbe {
  const now = options.now ?? Date.now;
  let last: { at: number; error?: unknown } | undefined;
  let running: Promise<void> | undefined;
  return {
    name: probe.name,
    async check() {
      if (last && now() - last.at < (last.error === undefined ? options.okMs : options.failedMs)) {
        if (last.error !== undefined) throw last.error;
        return;
      }
      running ??= probe.check().then(
        () => {
          last = { at: now() };
        },
        (error: unknown) => {
          last = { at: now(), error };
        },
      );
      const mine = running;
      await mine;
      if (running === mine) running = undefined;
      if (last?.error !== undefined) throw last.error;
    },
  };
}

interface AppClient {
  request(route: 'GET /app'): Promise<{ data: unknown }>;
}

/**
 * GitHub accepts the app's credentials: `GET /app` with the app's JWT (signed with the private
 * key), so a wrong APP_ID, a revoked key or an unreachable GitHub makes the replica unready.
 */
export function gitHubAppProbe(appClient: () => Promise<AppClient>): ReadinessProbe {
  return {
    name: 'github',
    async check() {
      const octokit = await appClient();
      await octokit.request('GET /app');
    },
  };
}

/** Redis answers PING. The connection is its own, made on first use; `close()` ends it. */
export function redisProbe(url: string): ReadinessProbe & { close(): Promise<void> } {
  let client: Redis | undefined;
  return {
    name: 'redis',
    async check() {
      // No offline queue and no retries per request: an unreachable Redis fails the probe at
      // once instead of queueing the PING until it comes back.
      if (!client) {
        client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
        client.on('error', () => {}); // reported through the failing probe, not as an unhandled event
      }
      if (client.status === 'wait') await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`unexpected answer to PING: ${pong}`);
    },
    async close() {
      client?.disconnect();
      client = undefined;
    },
  };
}
