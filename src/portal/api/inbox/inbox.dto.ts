import { z } from 'zod';
import type { InboxRow } from '../../input/inbox/inbox.repository.js';
import { isoDate, pageLimit } from '../common/schemas.js';

export const listFailedQuery = z.object({ limit: pageLimit(100, 500) });
export type ListFailedQuery = z.output<typeof listFailedQuery>;

export const failedInboxResponse = z.object({
  id: z.number().int(),
  connector: z.string(),
  line: z.string(),
  chatId: z.string(),
  messageId: z.string(),
  typeMessage: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: isoDate,
});
export type FailedInboxResponse = z.output<typeof failedInboxResponse>;

export function toFailedInboxResponse(row: InboxRow): FailedInboxResponse {
  return {
    id: row.id,
    connector: row.connector,
    line: row.line,
    chatId: row.chatId,
    messageId: row.messageId,
    typeMessage: row.typeMessage,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
  };
}

export const replayResponse = z.object({ id: z.number().int(), state: z.literal('pending') });
export type ReplayResponse = z.output<typeof replayResponse>;
