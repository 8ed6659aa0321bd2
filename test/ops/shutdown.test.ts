/** The shutdown sequence itself (src/ops/shutdown.ts); the real SIGTERM is in sigterm.test.ts. */
import { describe, expect, test } from 'vitest';
import { Shutdown, shutdownTimingFromEnv } from '../../src/ops/shutdown.js';

function recorder() {
  const lines: string[] = [];
  return { lines, log: { info: (_o: object, msg: string) => lines.push(msg), error: (_o: object, msg: string) => lines.push(`ERROR ${msg}`) } };
}

describe('Shutdown', () => {
  test('stops the server first, then closes the last registered first, exits 0', async () => {
    const s = new Shutdown();
    const order: string[] = [];
    s.onClose('redis probe', () => void order.push('redis probe'));
    s.onClose('queue', async () => void order.push('queue'));
    const { log } = recorder();
    expect(s.started).toBe(false);
    const code = await s.run({ stopServer: async () => void order.push('server'), delayMs: 0, timeoutMs: 10_000, log });
    expect(code).toBe(0);
    expect(s.started).toBe(true);
    expect(order).toEqual(['server', 'queue', 'redis probe']);
  });

  test('a failing close is logged, the others still run, and the exit code is 1', async () => {
    const s = new Shutdown();
    const closed: string[] = [];
    s.onClose('a', () => void closed.push('a'));
    s.onClose('b', () => {
      throw new Error('b broke');
    });
    const { lines, log } = recorder();
    expect(await s.run({ stopServer: async () => {}, delayMs: 0, timeoutMs: 10_000, log })).toBe(1);
    expect(closed).toEqual(['a']);
    expect(lines).toContain('ERROR freigabe could not close');
  });

  test('a close that never ends is cut off by the bound: exit code 1', async () => {
    const s = new Shutdown();
    s.onClose('stuck', () => new Promise<void>(() => {}));
    const { lines, log } = recorder();
    expect(await s.run({ stopServer: async () => {}, delayMs: 0, timeoutMs: 50, log })).toBe(1);
    expect(lines).toContain('ERROR freigabe did not shut down in time; exiting anyway');
  });

  test('a second signal joins the first shutdown instead of starting another', async () => {
    const s = new Shutdown();
    let stops = 0;
    const params = { stopServer: async () => void stops++, delayMs: 0, timeoutMs: 10_000, log: recorder().log };
    const [a, b] = await Promise.all([s.run(params), s.run(params)]);
    expect([a, b, stops]).toEqual([0, 0, 1]);
  });
});

describe('shutdownTimingFromEnv', () => {
  test('defaults, values, and a clear message for a bad value', () => {
    expect(shutdownTimingFromEnv({})).toEqual({ delayMs: 0, timeoutMs: 20_000 });
    expect(shutdownTimingFromEnv({ FREIGABE_SHUTDOWN_DELAY_SECONDS: '5', FREIGABE_SHUTDOWN_TIMEOUT_SECONDS: '25' })).toEqual({ delayMs: 5_000, timeoutMs: 25_000 });
    expect(() => shutdownTimingFromEnv({ FREIGABE_SHUTDOWN_TIMEOUT_SECONDS: '0' })).toThrow(/FREIGABE_SHUTDOWN_TIMEOUT_SECONDS must be a number of seconds ≥ 1, got "0"/);
    expect(() => shutdownTimingFromEnv({ FREIGABE_SHUTDOWN_DELAY_SECONDS: 'soon' })).toThrow(/FREIGABE_SHUTDOWN_DELAY_SECONDS/);
  });
});
