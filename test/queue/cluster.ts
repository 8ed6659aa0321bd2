/**
 * Real processes on loopback for the replica tests and bench/webhook-ack.mjs: a
 * `redis-server` at a free port (no persistence), app replicas running the real entry
 * (`dist/src/start.js`, built by `npm run build`) against the fake GitHub, and webhook
 * deliveries signed like GitHub signs them. Everything started here is stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const START = join(root, 'dist', 'src', 'start.js');
export const SECRET = 'throwaway-webhook-secret';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true; fails with `what` after `limitMs` (generous: CI is two loaded cores). */
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

export interface RedisServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const ready = await Promise.race([
      (async () => {
        while (!/Ready to accept connections/.test(out) && child.exitCode === null) await sleep(50);
        return child.exitCode === null;
      })(),
      sleep(30_000).then(() => false),
    ]);
    if (ready) {
      return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopProcess(child) };
    }
    await stopProcess(child);
    // Another process took the port between our probe and redis-server's bind: try another.
    if (attempt >= 3) throw new Error(`redis-server did not start:\n${out}`);
  }
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      process.kill(child.pid!, signal);
    } catch {
      resolve();
    }
  });
}

let key: string | undefined;
export function throwawayKey(): string {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  return key;
}

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|NODE_ENV|GH_ORG|GHE_.*|REDIS_URL|FREIGABE_.*|npm_.*)$/.test(k)));

export class Replica {
  readonly port: number;
  readonly logs: string[] = [];
  readonly #child: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.#child = child;
    // QUEUE_TEST_LOGS=dir writes each replica's log to a file there (for debugging).
    const file = process.env.QUEUE_TEST_LOGS ? join(process.env.QUEUE_TEST_LOGS, `replica-${port}.log`) : undefined;
    const keep = (b: Buffer) => {
      this.logs.push(...b.toString().split('\n').filter(Boolean));
      if (file) appendFileSync(file, b);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The real app entry with REDIS_URL (or without: in-process) against the fake GitHub at `githubPort`. */
  /**
   * `logFile`: the replica writes its log straight to that file instead of a pipe to this process
   * (then `logs` stays empty). For benchmarks: a pipe that this process drains late (while it is
   * busy as the fake GitHub) would block the replica's logging, and so the replica.
   */
  static async start(options: { githubPort: number; redisUrl?: string; env?: Record<string, string>; logFile?: string }): Promise<Replica> {
    const port = await freePort();
    // QUEUE_TEST_NODE_ARGS adds Node options to each replica (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
    const nodeArgs = process.env.QUEUE_TEST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
    const child = spawn(process.execPath, [...nodeArgs, START], {
      cwd: root,
      stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
      env: {
        ...cleanEnv(),
        NODE_ENV: 'production',
        APP_ID: '123',
        PRIVATE_KEY: throwawayKey(),
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: `127.0.0.1:${options.githubPort}`,
        GHE_PROTOCOL: 'http',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: process.env.QUEUE_TEST_LOG_LEVEL ?? 'info',
        LOG_FORMAT: 'json',
        NO_SMEE_SETUP: 'true',
        FREIGABE_RECONCILE: 'false',
        FREIGABE_QUEUE_LOCK_SECONDS: '3',
        ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
        ...options.env,
      },
    });
    if (logFd !== undefined) closeSync(logFd); // the child has its own copy
    const replica = new Replica(port, child);
    await until(`replica on port ${port} to answer`, async () => {
      if (child.exitCode !== null) throw new Error(`replica exited:\n${options.logFile ? readFileSync(options.logFile, 'utf8') : replica.logs.join('\n')}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/ping`)).ok;
      } catch {
        return false;
      }
    }, 60_000);
    return replica;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** kill -9: no chance to finish or hand back anything. */
  kill(): Promise<void> {
    return stopProcess(this.#child, 'SIGKILL');
  }

  stop(): Promise<void> {
    return stopProcess(this.#child, 'SIGTERM');
  }
}

export interface Delivery {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

/** One keep-alive connection pool for all deliveries: node:http costs the sender less than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a delivery as GitHub does; resolves with the status and the time until the answer. */
export function deliver(port: number, delivery: Delivery): Promise<{ status: number; ms: number }> {
  const body = Buffer.from(JSON.stringify(delivery.payload));
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/github/webhooks',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-github-event': delivery.name, 'x-github-delivery': delivery.id, 'x-hub-signature-256': signature, 'user-agent': 'GitHub-Hookshot/test' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
