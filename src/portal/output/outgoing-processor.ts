/**
 * A local step run on outgoing items of sendMessage/updateMessage/deleteMessage before they are
 * queued (the seed's sendMessageProcessing), e.g. to mix in Bot Framework sender data.
 */
export interface OutgoingProcessor {
  /** Whether this processor handles the given (full, possibly virtual) connector id. */
  matches(connector: string): boolean;
  process(
    ctx: { connector: string; line: string | null; method: string },
    items: unknown[],
  ): Promise<unknown[]>;
}

/** Multi-provider token: every registered OutgoingProcessor. */
export const OUTGOING_PROCESSORS = Symbol('OUTGOING_PROCESSORS');
