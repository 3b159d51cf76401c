import { z } from 'zod';
import type { Chat, Message } from '../../../generated/portal-sqlite/client.js';
import { fileIdsIn } from '../../open-lines/messages/messages.repository.js';
import { isoDate, pageLimit, rowId } from '../common/schemas.js';

export const listChatsQuery = z.object({
  line: z.string().trim().min(1).max(64).describe('Open Line id'),
  limit: pageLimit(50, 200),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListChatsQuery = z.output<typeof listChatsQuery>;

export const listMessagesQuery = z.object({
  before: rowId.optional().describe('Only messages older than this message id (the previous page)'),
  limit: pageLimit(50, 200),
});
export type ListMessagesQuery = z.output<typeof listMessagesQuery>;

export const fileResponse = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  url: z.string().describe('GET it with the bearer token'),
});
export type FileResponse = z.output<typeof fileResponse>;

const direction = z.enum(['in', 'out']).describe('in: from the customer; out: from an operator');

export const messageResponse = z.object({
  id: z.number().int(),
  chatId: z.number().int(),
  direction,
  authorId: z.number().int().nullable().describe('The customer for "in", the operator for "out"'),
  text: z.string().describe('Markup (BB-code) exactly as received: render it as text, never as HTML'),
  files: z.array(fileResponse),
  status: z.string().describe('received (in); delivered, read or failed (out)'),
  error: z.string().nullable().describe('Why an operator message failed'),
  createdAt: isoDate,
  updatedAt: isoDate,
  deletedAt: isoDate.nullable().describe('A deleted message keeps its place but not its text or files'),
});
export type MessageResponse = z.output<typeof messageResponse>;

export const lastMessageResponse = messageResponse.pick({
  id: true,
  direction: true,
  text: true,
  status: true,
  createdAt: true,
});
export type LastMessageResponse = z.output<typeof lastMessageResponse>;

export const chatResponse = z.object({
  id: z.number().int(),
  connector: z.string(),
  lineId: z.string(),
  externalChatId: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  blocked: z.boolean().describe('The customer blocked the bot'),
  customer: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  lastMessage: lastMessageResponse.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate.describe('Last activity; chats are listed by it, newest first'),
});
export type ChatResponse = z.output<typeof chatResponse>;

/** Metadata of a stored file, as the files room keeps it. */
export interface FileMeta {
  id: string;
  name: string;
  mime: string;
  size: number;
}

export const fileUrl = (id: string): string => `/api/files/${encodeURIComponent(id)}`;

export function toFileResponse(file: FileMeta): FileResponse {
  return { id: file.id, name: file.name, mime: file.mime, size: file.size, url: fileUrl(file.id) };
}

/** The ids in a message's files column. */
export function fileIdsOf(row: Message): string[] {
  return fileIdsIn(row.files);
}

export function toMessageResponse(row: Message, files: Map<string, FileMeta>): MessageResponse {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    chatId: row.chatId,
    direction: toDirection(row.direction),
    authorId: row.authorId,
    text: deleted ? '' : row.text,
    files: deleted
      ? []
      : fileIdsOf(row).flatMap((id) => {
          const file = files.get(id);
          return file ? [toFileResponse(file)] : [];
        }),
    status: row.status,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

export function toChatResponse(
  row: Chat,
  customerName: string | undefined,
  last: Message | undefined,
): ChatResponse {
  return {
    id: row.id,
    connector: row.connector,
    lineId: row.lineId,
    externalChatId: row.externalChatId,
    name: row.name,
    description: row.description,
    blocked: row.blocked,
    customer: row.customerId === null ? null : { id: row.customerId, name: customerName ?? '' },
    lastMessage: last
      ? {
          id: last.id,
          direction: toDirection(last.direction),
          text: last.text,
          status: last.status,
          createdAt: last.createdAt.toISOString(),
        }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toDirection(value: string): 'in' | 'out' {
  if (value !== 'in' && value !== 'out') throw new Error(`unknown message direction "${value}"`);
  return value;
}
