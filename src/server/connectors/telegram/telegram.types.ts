import { z } from 'zod';

/**
 * The parts of the Bot API's objects the connector reads (https://core.telegram.org/bots/api),
 * as schemas: an Update is checked against them before anything is read from it. Fields the
 * connector does not read are not checked and are dropped.
 */

const int = z.number().int();
const offset = int.nonnegative();

/** Telegram's limits of a message's text and of a caption (in UTF-16 code units, as entities count). */
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

export const tgUserSchema = z.object({
  id: int,
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
export type TgUser = z.infer<typeof tgUserSchema>;

export const tgChatSchema = z.object({
  id: int,
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export type TgChat = z.infer<typeof tgChatSchema>;

export const tgMessageEntitySchema = z.object({
  type: z.string(),
  /** In UTF-16 code units, as JavaScript strings count. */
  offset,
  length: offset,
  url: z.string().optional(),
  language: z.string().optional(),
});
export type TgMessageEntity = z.infer<typeof tgMessageEntitySchema>;

const fileBase = {
  file_id: z.string().min(1),
  file_unique_id: z.string().min(1),
  file_size: offset.optional(),
};
export interface TgFileBase {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

const photoSizeSchema = z.object({ ...fileBase, width: offset, height: offset });
const documentSchema = z.object({
  ...fileBase,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
const voiceSchema = z.object({ ...fileBase, duration: offset, mime_type: z.string().optional() });
const videoSchema = z.object({
  ...fileBase,
  width: offset,
  height: offset,
  duration: offset,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
const stickerSchema = z.object({
  ...fileBase,
  type: z.string(),
  width: offset,
  height: offset,
  is_animated: z.boolean(),
  is_video: z.boolean(),
  emoji: z.string().optional(),
});
const locationSchema = z.object({ latitude: z.number(), longitude: z.number() });
const contactSchema = z.object({
  phone_number: z.string(),
  first_name: z.string(),
  last_name: z.string().optional(),
  user_id: int.optional(),
});

const messageOriginSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), date: int, sender_user: tgUserSchema }),
  z.object({ type: z.literal('hidden_user'), date: int, sender_user_name: z.string() }),
  z.object({
    type: z.literal('chat'),
    date: int,
    sender_chat: tgChatSchema,
    author_signature: z.string().optional(),
  }),
  z.object({
    type: z.literal('channel'),
    date: int,
    chat: tgChatSchema,
    message_id: int,
    author_signature: z.string().optional(),
  }),
]);
export type TgMessageOrigin = z.infer<typeof messageOriginSchema>;

const messageFields = {
  message_id: int,
  from: tgUserSchema.optional(),
  chat: tgChatSchema,
  date: int,
  edit_date: int.optional(),
  text: z.string().max(TEXT_MAX).optional(),
  entities: z.array(tgMessageEntitySchema).optional(),
  caption: z.string().max(CAPTION_MAX).optional(),
  caption_entities: z.array(tgMessageEntitySchema).optional(),
  photo: z.array(photoSizeSchema).optional(),
  document: documentSchema.optional(),
  voice: voiceSchema.optional(),
  video: videoSchema.optional(),
  sticker: stickerSchema.optional(),
  location: locationSchema.optional(),
  contact: contactSchema.optional(),
  forward_origin: messageOriginSchema.optional(),
};

/** A replied-to message: the Bot API never nests a further reply_to_message in it. */
export const tgRepliedMessageSchema = z.object(messageFields);
export type TgRepliedMessage = z.infer<typeof tgRepliedMessageSchema>;

export const tgMessageSchema = z.object({
  ...messageFields,
  reply_to_message: tgRepliedMessageSchema.optional(),
});
export type TgMessage = z.infer<typeof tgMessageSchema>;

export const tgChatMemberUpdatedSchema = z.object({
  chat: tgChatSchema,
  from: tgUserSchema,
  date: int,
  new_chat_member: z.object({ status: z.string(), user: tgUserSchema }),
});
export type TgChatMemberUpdated = z.infer<typeof tgChatMemberUpdatedSchema>;

/** An Update of the kinds the connector asks for (ALLOWED_UPDATES); others carry no field it reads. */
export const tgUpdateSchema = z.object({
  update_id: int.nonnegative(),
  message: tgMessageSchema.optional(),
  edited_message: tgMessageSchema.optional(),
  my_chat_member: tgChatMemberUpdatedSchema.optional(),
});
export type TgUpdate = z.infer<typeof tgUpdateSchema>;

export interface TgFile extends TgFileBase {
  file_path?: string;
}

/** Updates the connector asks Telegram for in setWebhook. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'my_chat_member'] as const;

/** Bots may download files of up to 20 MB with getFile. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
