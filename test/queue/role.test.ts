import { describe, expect, test } from 'vitest';
import { roleFromEnv } from '../../src/github/queue/index.js';

describe('FREIGABE_ROLE', () => {
  test('unset, empty or all: the process answers webhooks and runs jobs', () => {
    expect(roleFromEnv({})).toBe('all');
    expect(roleFromEnv({ FREIGABE_ROLE: '' })).toBe('all');
    expect(roleFromEnv({ FREIGABE_ROLE: 'all' })).toBe('all');
  });

  test('webhooks with REDIS_URL: intake only', () => {
    expect(roleFromEnv({ FREIGABE_ROLE: 'webhooks', REDIS_URL: 'redis://127.0.0.1:6379' })).toBe('webhooks');
  });

  test('webhooks without REDIS_URL would queue jobs nobody runs: the start stops with the reason', () => {
    expect(() => roleFromEnv({ FREIGABE_ROLE: 'webhooks' })).toThrow(/FREIGABE_ROLE=webhooks needs REDIS_URL/);
  });

  test('an unknown role names the allowed values', () => {
    expect(() => roleFromEnv({ FREIGABE_ROLE: 'worker', REDIS_URL: 'redis://x' })).toThrow('FREIGABE_ROLE must be "all" or "webhooks", got "worker"');
  });
});
