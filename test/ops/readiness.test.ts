/** Readiness probes: the cache in front of GitHub, and the Redis probe against a real redis-server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { cached, Readiness, redisProbe } from '../../src/ops/readiness.js';
import { freePort } from '../helpers/ports.js';

describe('cached', () => {
  test('an answer is kept for its time (success longer than failure); concurrent checks share one call', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    let release: (() => void) | undefined;
    const probe = cached(
      {
        name: 'github',
        check: async () => {
          calls++;
          await new Promise<void>((resolve) => (release = resolve));
          if (fail) throw new Error('401 Bad credentials');
        },
      },
      { okMs: 60_000, failedMs: 10_000, now: () => clock },
    );
    const both = Promise.all([probe.check(), probe.check()]);
    await Promise.resolve();
    release!();
    await both;
    expect(calls).toBe(1);
    clock = 59_999;
    await probe.check();
    expect(calls).toBe(1);
    clock = 60_000;
    fail = true;
    const failing = probe.check();
    await Promise.resolve();
    release!();
    await expect(failing).rejects.toThrow('Bad credentials');
    clock = 69_999;
    await expect(probe.check()).rejects.toThrow('Bad credentials');
    expect(calls).toBe(2);
    clock = 70_000;
    fail = false;
    const again = probe.check();
    await Promise.resolve();
    release!();
    await again;
    expect(calls).toBe(3);
  });
});


async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (/Ready to accept connections/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('redisProbe', () => {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) await stop(c);
  });

  test('passes while redis-server answers PING, fails once it is gone, and passes again when it is back', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    children.push(redis);
    const probe = redisProbe(`redis://127.0.0.1:${port}`);
    const readiness = new Readiness();
    readiness.add(probe);
    try {
      expect(await readiness.check(5_000)).toEqual([{ name: 'redis', ok: true }]);
      await stop(redis);
      const [down] = await readiness.check(5_000);
      expect(down).toMatchObject({ name: 'redis', ok: false });
      const again = await startRedis(port);
      children.push(again);
      // ioredis reconnects on its own schedule; readiness follows once it has.
      let result = await readiness.check(5_000);
      for (let i = 0; i < 100 && !result[0]!.ok; i++) {
        await new Promise((r) => setTimeout(r, 100));
        result = await readiness.check(5_000);
      }
      expect(result).toEqual([{ name: 'redis', ok: true }]);
    } finally {
      await probe.close();
    }
  }, 60_000);

  test('a Redis that is not there fails the probe with a reason, and does not hang', async () => {
    const port = await freePort();
    const probe = redisProbe(`redis://127.0.0.1:${port}`);
    try {
      const readiness = new Readiness();
      readiness.add(probe);
      const [result] = await readiness.check(5_000);
      expect(result).toMatchObject({ name: 'redis', ok: false, error: expect.stringMatching(/ECONNREFUSED|connect/i) });
    } finally {
      await probe.close();
    }
  });
});
