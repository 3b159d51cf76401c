import { z } from 'zod';
import { fitText, normalizeStrings } from './customer-text.js';
import { OlpError } from './errors.js';

/** Largest accepted body (413 PACKET_TOO_LARGE past it). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Ids may arrive as numbers from some channels; OLP treats them as strings. */
export const olpId = z.union([z.string().min(1).max(255), z.number().int()]).transform(String);

export const envelopeSchema = z.object({
  command: z.string().min(1).max(64),
  connector: z.string().min(1).max(128),
  line: z
    .union([z.string().max(64), z.number().int()])
    .nullable()
    .optional()
    .transform((v) => (v == null ? null : String(v))),
  data: z.unknown(),
});
export type Envelope = z.output<typeof envelopeSchema>;

export const fileSchema = z.object({
  url: z.string().min(1).max(8192),
  name: z.string().max(1024).optional(),
  type: z.string().max(255).optional(),
  size: z.number().int().nonnegative().optional(),
  headers: z
    .array(z.object({ name: z.string().min(1).max(256), value: z.string().max(8192) }))
    .max(32)
    .optional(),
});
export type OlpFile = z.output<typeof fileSchema>;

export const userSchema = z.looseObject({
  id: olpId,
  name: z.string().max(1024).optional(),
  last_name: z.string().max(1024).optional(),
  title: z.string().max(1024).optional(),
  url: z.string().max(8192).optional(),
  gender: z.enum(['male', 'female']).optional(),
  email: z.string().max(1024).optional(),
  phone: z.string().max(255).optional(),
  picture: fileSchema.optional(),
});
export type OlpUser = z.output<typeof userSchema>;

export const chatSchema = z.looseObject({
  id: olpId,
  name: z.string().max(1024).optional(),
  url: z.string().max(8192).optional(),
  description: z.string().max(65536).optional(),
});

export const attachmentSchema = z.record(z.string(), z.unknown());
export type OlpAttachment = z.output<typeof attachmentSchema>;

export const TYPE_MESSAGES = [
  'message',
  'message_update',
  'message_del',
  'typing_start',
  'command_start',
] as const;
export type TypeMessage = (typeof TYPE_MESSAGES)[number];

export const messageBodySchema = z.looseObject({
  id: olpId,
  date: z.number().int().nonnegative(),
  // Inbound text beyond MAX_TEXT_LENGTH is cut, not refused: OLP/1 allows it, and refusing a
  // packet would hold up the sender's whole line (docs/protocol.md, "Customer text: what is kept").
  text: z.string().max(1_000_000).transform(fitText).optional(),
  files: z.array(fileSchema).max(100).optional(),
  attachments: z.array(attachmentSchema).max(100).optional(),
  failed_big_file: z.boolean().optional(),
});

/**
 * An inbound item's schema with every string made storable first (normalizeStrings): what the
 * server queues and what the portal acknowledges pass the same rule.
 */
const storable = <S extends z.ZodType>(schema: S) => z.preprocess(normalizeStrings, schema);

export const messageSchema = storable(
  z.object({
    type_message: z.enum(TYPE_MESSAGES),
    user: userSchema,
    chat: chatSchema,
    message: messageBodySchema,
    extra: z.record(z.string(), z.unknown()).optional(),
    ref: z.record(z.string(), z.unknown()).optional(),
  }),
);
export type OlpMessage = z.output<typeof messageSchema>;

const imSchema = z.object({ chat_id: olpId, message_id: olpId });

export const statusItemSchema = storable(
  z.object({
    im: imSchema,
    message: z.object({ id: z.array(olpId).max(100), date: z.number().int().optional() }),
    chat: z.object({ id: olpId }),
  }),
);
export type OlpStatusItem = z.output<typeof statusItemSchema>;

export const errorItemSchema = storable(
  z.object({
    im: imSchema,
    chat: z.object({ id: olpId }),
    code: z.string().max(255),
    message: z.string().max(65536),
  }),
);
export type OlpErrorReport = z.output<typeof errorItemSchema>;

export const blockItemSchema = storable(
  z.object({ chat: z.object({ id: olpId }), user: z.object({ id: olpId }) }),
);
export const chatNameItemSchema = storable(
  z.object({ chat: z.object({ id: olpId }), name: z.string().max(1024) }),
);

/** Server-to-portal `data` schemas, by command. */
export const portalCommandData = {
  testConnect: z.unknown(),
  receivingMessage: z.array(messageSchema).min(1).max(1000),
  receivingStatusDelivery: z.array(statusItemSchema).min(1).max(1000),
  receivingStatusReading: z.array(statusItemSchema).min(1).max(1000),
  receivingError: z.array(errorItemSchema).min(1).max(1000),
  deactivateConnector: storable(
    z
      .object({ reason: z.string().max(4096).optional() })
      .loose()
      .nullish(),
  ),
  receivingStatusBlock: z.array(blockItemSchema).min(1).max(1000),
  setChatName: z.array(chatNameItemSchema).min(1).max(1000),
} as const;
export type PortalCommand = keyof typeof portalCommandData;
export type PortalCommandData<C extends PortalCommand> = z.output<(typeof portalCommandData)[C]>;

/** Portal-to-server methods that the server answers with 202 once stored. */
export const FIRE_AND_FORGET_METHODS = [
  'sendMessage',
  'updateMessage',
  'deleteMessage',
  'setStatusDelivered',
  'setStatusReading',
] as const;
export type FireAndForgetMethod = (typeof FIRE_AND_FORGET_METHODS)[number];
export const isFireAndForget = (method: string): method is FireAndForgetMethod =>
  (FIRE_AND_FORGET_METHODS as readonly string[]).includes(method);

export const outgoingSchema = z.looseObject({
  im: imSchema,
  chat: z.object({ id: olpId }),
  message: z.looseObject({
    id: z.array(olpId).or(olpId).optional(),
    text: z.string().max(1_000_000),
    files: z
      .array(z.object({ url: z.string(), name: z.string(), size: z.number(), type: z.string() }))
      .optional(),
  }),
  user: z.object({ name: z.string(), picture: z.string().optional() }).optional(),
});
export type OlpOutgoing = z.output<typeof outgoingSchema>;

/** Parses with a schema, turning the first issue into 400 MALFORMED_PACKET naming the field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [root, ...(issue?.path ?? [])].map(String).join('.');
  throw new OlpError(400, 'MALFORMED_PACKET', `${field}: ${issue?.message ?? 'invalid'}`, field);
}
