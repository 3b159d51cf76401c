/** Any portal-to-server method; the name travels as `command`, the arguments as `data`. */
export type RemoteMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * What `output.connector(id, line)` returns: every property is a remote method (a JS Proxy;
 * no method list), except where a local wrapper takes precedence.
 */
export type ConnectorOutput = Record<string, RemoteMethod>;

/** The connector id of portal-wide methods (infoConnectorsLine, deleteLine). */
export const ALL_CONNECTORS = 'all';

/** Options of one `output.connector(...)` handle; they never become remote method names. */
export interface OutputCallOptions {
  /**
   * Idempotency key of one logical fire-and-forget call (for example `msg:<portal message id>`).
   * A second call with the same key, method, connector and line is not queued again: it resolves
   * with the first call's outbox id and `duplicate: true`, and the first call's arguments win.
   * Ignored by request/response methods, which are never queued.
   */
  key?: string;
}

/** Result of a fire-and-forget call: it was stored in the outbox and will be delivered. */
export interface QueuedCall {
  queued: true;
  outboxId: number;
  /** Set when an earlier call with the same idempotency key was already queued. */
  duplicate?: true;
}
