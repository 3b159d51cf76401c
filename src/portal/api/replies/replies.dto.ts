import { z } from 'zod';
import { fileIdParam } from '../files/files.dto.js';

export const replyRequest = z
  .object({
    text: z.string().max(100_000).default('').describe("BB-code, as customers' messages"),
    fileIds: z.array(fileIdParam).max(20).default([]).describe('Ids from POST /api/uploads'),
    clientKey: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe('Your key for this reply: sending it again with the same key returns the first message'),
  })
  .refine((r) => r.text.trim().length > 0 || r.fileIds.length > 0, 'a reply needs text or files');
export type ReplyRequest = z.output<typeof replyRequest>;

export const editRequest = z.object({ text: z.string().min(1).max(100_000) });
export type EditRequest = z.output<typeof editRequest>;

export const uploadQuery = z.object({
  name: z.string().trim().min(1).max(255).describe('The file name the customer sees'),
  type: z.string().max(255).optional().describe('MIME type; sniffed from the content when known'),
});
export type UploadQuery = z.output<typeof uploadQuery>;

export const readResponse = z.object({ marked: z.number().int() });
export type ReadResponse = z.output<typeof readResponse>;

/** A file link token as RepliesService makes them (24 random bytes, base64url). */
export const linkToken = z.string().regex(/^[\w-]{16,64}$/, 'is not a link token');
