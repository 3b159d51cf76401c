import type { OlpErrorReport, OlpMessage, OlpStatusItem } from '../../protocol/index.js';

/** Where a packet came from: the full (possibly virtual) connector id and the portal line id. */
export interface Origin {
  connector: string;
  line: string;
}

/** A received message after the pipelines ran: ids point at our own rows. */
export interface ReceivedMessagePayload extends Origin {
  /** Row id in inbox_messages: stable, used to make listeners idempotent. */
  inboxId: number;
  /** Internal ExternalUser id of the customer. */
  userId: number;
  /** Text in our markup: BB-code, [icon=…] tags, rendered attachments. */
  text: string;
  /** StoredFile ids, in the order the channel sent them. */
  fileIds: string[];
  /** Files that could not be downloaded stay as links in the text; these notes say why. */
  fileErrors: string[];
  /** The OLP message as received (channel data, extra, ref). */
  message: OlpMessage;
}

export interface StatusPayload extends Origin {
  items: OlpStatusItem[];
}

export interface ErrorPayload extends Origin {
  items: OlpErrorReport[];
}

/** A session of Open Lines changed: small, ids only; readers fetch the rest. */
export interface SessionEventPayload {
  sessionId: number;
  lineId: number;
  chatId: number;
  /** new, waiting, assigned, answered or closed. */
  status: string;
  operatorId: number | null;
}

/** A message of a chat was stored, edited or deleted; the ids are our own rows. */
export interface ChatMessagePayload {
  chatId: number;
  messageId: number;
  /** The chat's connector and portal line id. */
  connector: string;
  line: string;
  direction: 'in' | 'out';
  change: 'created' | 'edited' | 'deleted';
  /** Set on the first message of a chat that did not exist before. */
  chatCreated?: boolean;
}

/** An operator's message moved to another status (pending, sent, delivered, read, failed). */
export interface MessageStatusPayload {
  chatId: number;
  messageId: number;
  line: string;
  status: string;
  error: string | null;
}

/** The outbox finished with a call: the server accepted it, or refused it for good. */
export interface OutboxCallSettledPayload {
  outboxId: number;
  connector: string;
  line: string | null;
  method: string;
  /** JSON of the call's argument list, as stored. */
  data: string;
  state: 'sent' | 'failed';
  /** `code: message` of the refusal. */
  error: string | null;
}

/** A user's token version was bumped (password change, disable, remove): their tokens are void. */
export interface UserAccessRevokedPayload {
  userId: number;
}

/** An admin set the line's operators: these user ids, in queue order. */
export interface LineOperatorsPayload {
  lineId: number;
  userIds: number[];
}

/** The typed event map, with the seed's names. */
export interface PortalEventMap {
  OnReceivedMessage: ReceivedMessagePayload;
  OnReceivedMessageUpdate: ReceivedMessagePayload;
  OnReceivedMessageDel: ReceivedMessagePayload;
  OnReceivedStatusWrites: ReceivedMessagePayload;
  OnReceivedCommandStart: ReceivedMessagePayload;
  OnReceivedStatusDelivery: StatusPayload;
  OnReceivedStatusReading: StatusPayload;
  OnReceivedError: ErrorPayload;
  OnReceivedStatusBlock: Origin & { items: { chatId: string; userId: string }[] };
  OnNewChatName: Origin & { items: { chatId: string; name: string }[] };
  OnConnectorDeactivated: Origin & { reason: string };
  OnChatMessage: ChatMessagePayload;
  OnMessageStatus: MessageStatusPayload;
  OnOutboxCallSettled: OutboxCallSettledPayload;
  SessionStatusChanged: SessionEventPayload;
  SessionAssigned: SessionEventPayload;
  SessionQueued: SessionEventPayload & { position: number };
  UserAccessRevoked: UserAccessRevokedPayload;
  LineOperatorsChanged: LineOperatorsPayload;
}

export type PortalEventName = keyof PortalEventMap;
