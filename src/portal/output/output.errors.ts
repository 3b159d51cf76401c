import type { OlpErrorItem } from '../../protocol/index.js';

/**
 * Codes the portal itself gives to a call that got no OLP answer: the server could not be reached
 * (refused, DNS, TLS, connect timeout), it did not answer in time after the request went out, its
 * answer was not an OLP reply, or the call was cancelled because the portal is shutting down.
 */
export type LocalOutputCode = 'UNREACHABLE' | 'TIMEOUT' | 'MALFORMED_REPLY' | 'ABORTED';

/** A portal-to-server call that the server refused or that got no usable answer. */
export class OutputError extends Error {
  /** The first error code (the server's, or one of LocalOutputCode). */
  readonly code: string;

  constructor(
    readonly command: string,
    /** The server's error items, or one item with a LocalOutputCode. */
    readonly errors: OlpErrorItem[],
    /** HTTP status of the answer; undefined when there was none. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    const first = errors[0] ?? { code: 'MALFORMED_REPLY', message: 'no error was given' };
    super(`${command}: ${first.code}: ${first.message}${status ? ` (HTTP ${status})` : ''}`, options);
    this.name = 'OutputError';
    this.code = first.code;
  }

  /** Every error code of the answer, in order. */
  get codes(): string[] {
    return this.errors.map((e) => e.code);
  }

  static local(command: string, code: LocalOutputCode, message: string, cause?: unknown): OutputError {
    return new OutputError(command, [{ code, message }], undefined, { cause });
  }
}
