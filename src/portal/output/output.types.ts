/** Any portal-to-server method; the name travels as `command`, the arguments as `data`. */
export type RemoteMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * What `output.connector(id, line)` returns: every property is a remote method (a JS Proxy;
 * no method list), except where a local wrapper takes precedence.
 */
export type ConnectorOutput = Record<string, RemoteMethod>;

/** Result of a fire-and-forget call: it was stored in the outbox and will be delivered. */
export interface QueuedCall {
  queued: true;
  outboxId: number;
}
