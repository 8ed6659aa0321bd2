/**
 * Graceful shutdown on SIGTERM (what Kubernetes sends before it stops a pod):
 *
 *   1. readiness answers 503 at once, so the load balancer takes the replica out;
 *   2. after `delayMs` (the time the endpoint removal needs to reach every proxy) the HTTP
 *      server stops accepting connections and lets the requests in flight finish;
 *   3. the registered close functions run, last registered first (the queue stops taking jobs
 *      and finishes or returns its running ones, then the connections it needs are closed);
 *   4. the process exits 0 — or 1 when a close function failed or the whole did not finish
 *      within `timeoutMs`, which bounds steps 2 and 3 together.
 */
export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownParams {
  /** Stops the HTTP server: no new connections, requests in flight end (Probot's `server.stop()`). */
  readonly stopServer: () => Promise<void>;
  readonly delayMs: number;
  readonly timeoutMs: number;
  readonly log: ShutdownLog;
}

export class Shutdown {
  readonly #closers: { name: string; close: () => Promise<void> }[] = [];
  #started = false;

  /** Runs on shutdown, after the server stopped; the last registered runs first. */
  onClose(name: string, close: () => Promise<void> | void): void {
    this.#closers.push({ name, close: async () => close() });
  }

  /** True from the signal on: readiness fails. */
  get started(): boolean {
    return this.#started;
  }

  /** Runs steps 1–3 once and returns the exit code; a second call waits for the first. */
  run(params: ShutdownParams): Promise<number> {
    this.#running ??= this.#run(params);
    return this.#running;
  }
  #running: Promise<number> | undefined;

  async #run(params: ShutdownParams): Promise<number> {
    const { log } = params;
    this.#started = true;
    log.info({ delayMs: params.delayMs, timeoutMs: params.timeoutMs }, 'freigabe is shutting down: not ready any more');
    if (params.delayMs > 0) await sleep(params.delayMs);
    let failed = false;
    const work = (async () => {
      await params.stopServer();
      log.info({}, 'freigabe stopped accepting webhooks');
      for (const { name, close } of [...this.#closers].reverse()) {
        try {
          await close();
          log.info({ closed: name }, 'freigabe closed');
        } catch (error) {
          failed = true;
          log.error({ closed: name, err: { message: error instanceof Error ? error.message : String(error) } }, 'freigabe could not close');
        }
      }
    })().then(
      () => 'done' as const,
      (error: unknown) => {
        log.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'freigabe could not stop the server');
        return 'failed' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), params.timeoutMs);
    });
    const outcome = await Promise.race([work, bound]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      log.error({ timeoutMs: params.timeoutMs }, 'freigabe did not shut down in time; exiting anyway');
      return 1;
    }
    if (outcome === 'failed' || failed) return 1;
    log.info({}, 'freigabe shut down');
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `FREIGABE_SHUTDOWN_DELAY_SECONDS` (default 0) and `FREIGABE_SHUTDOWN_TIMEOUT_SECONDS` (default 20). */
export function shutdownTimingFromEnv(env: NodeJS.ProcessEnv): { delayMs: number; timeoutMs: number } {
  const seconds = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number of seconds ≥ ${min}, got "${raw}"`);
    return n;
  };
  return { delayMs: seconds('FREIGABE_SHUTDOWN_DELAY_SECONDS', 0, 0) * 1000, timeoutMs: seconds('FREIGABE_SHUTDOWN_TIMEOUT_SECONDS', 20, 1) * 1000 };
}
