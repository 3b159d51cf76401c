import { createHash } from 'node:crypto';
import type { PortalCommandData } from '../../../protocol/index.js';
import type { NewInboxMessage } from './inbox.repository.js';

/**
 * Status commands go through the inbox like messages: each item is one row whose type is the
 * command's name (never one of the message types), in the lane of the chat it names, so a
 * status is applied after what that chat received before it.
 */
export const INBOX_STATUS_COMMANDS = [
  'receivingStatusDelivery',
  'receivingStatusReading',
  'receivingError',
  'receivingStatusBlock',
] as const;
export type InboxStatusCommand = (typeof INBOX_STATUS_COMMANDS)[number];
export type InboxStatusItem<C extends InboxStatusCommand> = PortalCommandData<C>[number];

export const isInboxStatusType = (type: string): type is InboxStatusCommand =>
  (INBOX_STATUS_COMMANDS as readonly string[]).includes(type);

/**
 * The inbox row of one status item. Its id is what the item reports on plus a digest of the
 * whole item: the server's repeat of the same report is recognised and applied once, while a
 * different report on the same message (another error, new channel ids) gets a row of its own.
 */
export function toInboxStatus<C extends InboxStatusCommand>(
  command: C,
  item: InboxStatusItem<C>,
): NewInboxMessage {
  const payload = JSON.stringify(item);
  const digest = createHash('sha256').update(payload).digest('base64url').slice(0, 22);
  const subject = 'im' in item ? item.im.message_id : item.user.id;
  return { chatId: item.chat.id, messageId: `${subject}#${digest}`, typeMessage: command, payload };
}
