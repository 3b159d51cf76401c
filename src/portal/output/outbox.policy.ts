import type { PortalConfig } from '../config.js';

/** How the outbox worker paces delivery; provided under OUTBOX_POLICY. */
export interface OutboxPolicy {
  /** Delay before the first retry; it doubles with every further failed attempt. */
  baseDelayMs: number;
  /** Longest delay between two attempts (also caps a server's Retry-After). */
  maxDelayMs: number;
  /** How often due calls are looked for when nothing woke the worker. */
  pollIntervalMs: number;
  /** Calls in flight at once per process (each on its own (connector, line) lane). */
  concurrency: number;
  /**
   * How long a claimed call stays reserved for the process that claimed it. Longer than one HTTP
   * exchange can last, so another process only takes it over from one that died mid-send.
   */
  leaseMs: number;
  /**
   * How long delivered calls are kept (visible, and deduplicating their idempotency keys) before
   * the worker deletes them. Failed calls are kept until someone deals with them.
   */
  retainSentMs: number;
  /** How often the worker deletes delivered calls older than retainSentMs. */
  purgeIntervalMs: number;
}

export const OUTBOX_POLICY = Symbol('OUTBOX_POLICY');

export function outboxPolicyFor(config: PortalConfig): OutboxPolicy {
  const { connectTimeoutMs, readTimeoutMs } = config.output;
  return {
    baseDelayMs: 1_000,
    maxDelayMs: 5 * 60_000,
    pollIntervalMs: 1_000,
    concurrency: 8,
    leaseMs: connectTimeoutMs + readTimeoutMs + 30_000,
    retainSentMs: 7 * 24 * 3_600_000,
    purgeIntervalMs: 10 * 60_000,
  };
}

/** Delay before the next attempt after `attempts` failed ones (1 for the first failure). */
export function retryDelayMs(policy: OutboxPolicy, attempts: number, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const backoff = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.max(backoff, Math.min(retryAfterMs ?? 0, policy.maxDelayMs));
}
