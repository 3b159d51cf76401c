/** Tuning of the inbox worker; InputModule provides the defaults, tests their own. */
export interface InboxWorkerOptions {
  /** How often the worker looks for due rows when nobody nudged it. */
  pollIntervalMs: number;
  /** Rows processed at once by one process (always of different chats). */
  concurrency: number;
  /**
   * How long a claim holds before another process may take the row over although its owner looks
   * alive (INBOX_LEASE); renewed while running.
   */
  leaseMs: number;
  /** Delay before the second attempt; it doubles with each attempt after that. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** On shutdown, how long running rows may finish before they are handed back unfinished. */
  shutdownGraceMs: number;
  /**
   * How long processed rows are kept: while kept, a message the server sends again is recognised
   * as a repeat. Well past the server's block schedule (24 h), so only a late manual replay of
   * dead letters could bring one back after that.
   */
  retainDoneMs: number;
  /** How often processed rows older than retainDoneMs are deleted. */
  purgeIntervalMs: number;
}

export const INBOX_WORKER_OPTIONS = Symbol('INBOX_WORKER_OPTIONS');

export const defaultInboxWorkerOptions: InboxWorkerOptions = {
  pollIntervalMs: 1_000,
  concurrency: 4,
  leaseMs: 5 * 60_000,
  backoffBaseMs: 5_000,
  backoffMaxMs: 15 * 60_000,
  shutdownGraceMs: 3_000,
  retainDoneMs: 30 * 24 * 3_600_000,
  purgeIntervalMs: 10 * 60_000,
};

/** Delay after the given failed attempt (1-based): base, 2×base, 4×base, … up to the maximum. */
export function backoffDelayMs(
  attempt: number,
  options: Pick<InboxWorkerOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(options.backoffBaseMs * 2 ** exponent, options.backoffMaxMs);
}
