/** Error codes of OLP/1 replies. */
export type OlpErrorCode =
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_EXPIRED'
  | 'UNKNOWN_KEY'
  | 'REPLAYED'
  | 'MALFORMED_PACKET'
  | 'UNKNOWN_COMMAND'
  | 'PACKET_TOO_LARGE'
  | 'INTERNAL_ERROR'
  | (string & {});

export interface OlpErrorItem {
  code: OlpErrorCode;
  message: string;
  field?: string;
}

export type OlpReply<T = unknown> = { ok: true; data: T } | { ok: false; error: OlpErrorItem[] };

/** A refusal that maps to one HTTP status and one OLP error code. */
export class OlpError extends Error {
  constructor(
    readonly status: number,
    readonly code: OlpErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OlpError';
  }

  toReply(): OlpReply<never> {
    const item: OlpErrorItem = { code: this.code, message: this.message };
    if (this.field !== undefined) item.field = this.field;
    return { ok: false, error: [item] };
  }
}

export const authError = (
  code: 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'UNKNOWN_KEY' | 'REPLAYED',
  message: string,
) => new OlpError(401, code, message);
