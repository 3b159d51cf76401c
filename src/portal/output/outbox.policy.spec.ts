import { describe, expect, it } from '@jest/globals';
import { type OutboxPolicy, retryDelayMs } from './outbox.policy.js';

const policy: OutboxPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  pollIntervalMs: 1_000,
  concurrency: 2,
  leaseMs: 90_000,
  retainSentMs: 3_600_000,
  purgeIntervalMs: 60_000,
};

describe('retryDelayMs', () => {
  it('should double the delay with each failed attempt', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('should not exceed the longest delay, however many attempts failed', () => {
    expect(retryDelayMs(policy, 7)).toBe(60_000);
    expect(retryDelayMs(policy, 10_000)).toBe(60_000);
  });

  it('should wait at least as long as the server asks, up to the longest delay', () => {
    expect(retryDelayMs(policy, 1, 5_000)).toBe(5_000);
    expect(retryDelayMs(policy, 1, 3_600_000)).toBe(60_000);
    expect(retryDelayMs(policy, 4, 10)).toBe(8_000);
  });
});
