import type { IncomingHttpHeaders } from 'node:http';
import type { OlpOutgoing, PortalCommandData } from '../../protocol/index.js';

/** Settings of one connector line as the connector itself normalised them in `saveSettings`. */
export type ConnectorSettings = Record<string, unknown>;

/** What a connector sees of the line it works for; settings are already decrypted. */
export interface ConnectorLine {
  /** Id of the server's line record. */
  ref: number;
  portalId: string;
  /** Full connector id as the portal names it (`botframework.skype`). */
  connector: string;
  /** The virtual channel (`skype` for `botframework.skype`), or null on a real channel. */
  channel: string | null;
  /** The line id on the portal. */
  lineId: string;
  /** The address the channel must post its webhooks to. */
  webhookUrl: string;
  settings: ConnectorSettings;
}

/** A webhook request as the one hook entry received it. */
export interface HookRequest {
  method: string;
  headers: IncomingHttpHeaders;
  query: Record<string, string | undefined>;
  /** The body bytes exactly as sent, for signature checks; undefined without a body. */
  rawBody: Buffer | undefined;
  /** The body as parsed by its content type. */
  body: unknown;
}

/** Server-to-portal commands whose items a connector may produce; each travels through the line's queue. */
export const INBOUND_COMMANDS = [
  'receivingMessage',
  'receivingStatusDelivery',
  'receivingStatusReading',
  'receivingError',
  'receivingStatusBlock',
  'setChatName',
] as const;
export type InboundCommand = (typeof INBOUND_COMMANDS)[number];

/** One item of an inbound command, e.g. one OLP message of receivingMessage. */
export type InboundItem = {
  [C in InboundCommand]: { command: C; item: PortalCommandData<C>[number] };
}[InboundCommand];

/** What the hook entry answers the channel. */
export interface HookReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ParsedHook {
  /** Enqueued for the portal in this order. */
  items: InboundItem[];
  /** The channel's expected answer; 200 `{"ok":true}` when absent. */
  reply?: HookReply;
  /**
   * The connector id the items reach the portal under, when it is a virtual channel of the
   * line's real connector (`botframework.msteams` on a `botframework` line); the line's own when
   * absent. The items then go to that virtual connector's line record (see docs/protocol.md).
   */
  connector?: string;
  /**
   * The channel's own id of this delivery (Telegram `update_id`). A delivery whose key the line
   * already has is answered without queueing anything again; the key is stored with the items.
   */
  receiptKey?: string;
}

/** Outcome of one outgoing item on the channel; a transient failure is thrown instead, and retried. */
export type DeliveryResult =
  { ok: true; externalIds: string[]; date?: number } | { ok: false; code: string; message: string };

/** `{chat:{id}, message:{id:[...]}}` of setStatusDelivered and setStatusReading. */
export interface StatusMark {
  chat: { id: string };
  message: { id: string[] };
}

/** Free-form answer of a control method, returned to the portal as `data`. */
export type ConnectorResult = Record<string, unknown>;

/** A failure a connector reports to the portal as `{"ok":false,"error":[{code,message,field?}]}`. */
export class ConnectorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/** A transient failure whose retry the channel timed (Telegram's 429 `retry_after`): retried after `retryAfterMs`. */
export class RetryAfter extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryAfter';
  }
}

/** The webhook did not pass the connector's verification; answered with `status` and nothing stored. */
export class HookRejected extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'HookRejected';
  }
}

/**
 * A genuine webhook (it passed `verify`) whose delivery the connector cannot use, e.g. an update
 * that does not match the channel's documented format; `message` is the reason. How it is
 * answered depends on the connector's `keepUnusable`.
 */
export class HookUnusable extends Error {
  constructor(
    message: string,
    /** The channel's id of the delivery, when the body names one. */
    readonly receiptKey?: string,
  ) {
    super(message);
    this.name = 'HookUnusable';
  }
}

/**
 * One channel. A connector is stateless: everything about a line arrives in `ConnectorLine`, and
 * everything durable is kept by the server (settings, queues). Channel-specific extras are the
 * optional methods at the end.
 */
export interface Connector {
  /**
   * The channel resends a delivery that is not answered 2xx (Telegram): a verified delivery the
   * connector cannot use (HookUnusable, or items OLP would refuse) is then answered 200 and kept
   * as a dead letter with the reason, instead of being resent forever. Without it, such a
   * delivery is refused with 400 naming the problem (the sender sees it), and nothing is stored.
   */
  readonly keepUnusable?: boolean;
  /** Checks that a webhook really comes from the channel (signature, secret token), or throws HookRejected. */
  verify(line: ConnectorLine, request: HookRequest): Promise<void>;
  /** Turns a verified webhook into OLP items for the portal. */
  parse(line: ConnectorLine, request: HookRequest): Promise<ParsedHook>;
  /**
   * `delivery.key` names this outbound item for good: a worker that died before recording the
   * result sends it again under the same key, so a channel that can recognise a repeat (ours, the
   * live chat) delivers it once. Telegram and Bot Framework take no such key: at least once there.
   */
  send(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult>;
  update(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult>;
  delete(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult>;
  /**
   * Validates the portal's connection parameters and returns what to keep (encrypted at rest);
   * throws ConnectorError (with the field) when they are unusable.
   */
  saveSettings(line: Omit<ConnectorLine, 'settings' | 'ref'>, params: unknown): Promise<ConnectorSettings>;
  testConnect(line: ConnectorLine): Promise<ConnectorResult>;
  /** Connects the line on the channel side, e.g. sets the webhook to `line.webhookUrl`. */
  register(line: ConnectorLine, params: unknown): Promise<ConnectorResult>;
  unregister(line: ConnectorLine): Promise<ConnectorResult>;
  /** What infoConnectorsLine reports for this connector on the line. */
  info(line: ConnectorLine): Promise<ConnectorResult>;
  /**
   * The external account this line is connected to (`telegrambot:<bot id>`, `botframework:<app id>`),
   * known once the settings were checked; one account serves one line only (the server deactivates
   * the older connection). Null when the channel has no such account (live chat).
   */
  account?(line: ConnectorLine): Promise<string | null>;
  /** Shows the customer that operator-side delivery happened, where the channel has such a mark. */
  markDelivered?(line: ConnectorLine, items: StatusMark[]): Promise<void>;
  /** Shows the customer that the operator read the messages, where the channel has such a mark. */
  markRead?(line: ConnectorLine, items: StatusMark[]): Promise<void>;
}

/** Registers a channel with the factory. */
export interface ConnectorDefinition {
  /** The real channel id (`telegrambot`, `botframework`). */
  id: string;
  /** Whether `<id>.<channel>` ids are virtual channels served by this connector (`botframework.skype`). */
  virtualChannels: boolean;
  /** Builds the connector for one full id; called once per id. */
  create(channel: string | null, context: ConnectorContext): Connector;
}

/** What a connector may take from the server when it is built: its injectable services by class. */
export interface ConnectorContext {
  get<T>(type: abstract new (...args: never[]) => T): T;
}

/** Multi-provider token: every registered ConnectorDefinition. */
export const CONNECTOR_DEFINITIONS = Symbol('CONNECTOR_DEFINITIONS');

/** Which outbound item a delivery carries (see Connector.send). */
export interface Delivery {
  key: string;
}
