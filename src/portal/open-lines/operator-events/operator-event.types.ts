import type { Chat, Message } from '../../../generated/portal-sqlite/client.js';

/** The stream's event types. */
export type OperatorEventType =
  | 'chat.created'
  | 'message.created'
  | 'message.edited'
  | 'message.deleted'
  | 'message.status'
  | 'session.status'
  | 'session.assigned'
  | 'session.queued'
  | 'line.operators';

/** A chat as events carry it. */
export function toEventChat(chat: Chat) {
  return {
    id: chat.id,
    connector: chat.connector,
    lineId: chat.lineId,
    name: chat.name,
    createdAt: chat.createdAt.toISOString(),
  };
}

/** A message as events carry it; a deleted one without its text and files. */
export function toEventMessage(row: Message) {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    chatId: row.chatId,
    direction: row.direction,
    authorId: row.authorId,
    text: deleted ? '' : row.text,
    fileIds: deleted ? [] : (JSON.parse(row.files) as unknown),
    status: row.status,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
