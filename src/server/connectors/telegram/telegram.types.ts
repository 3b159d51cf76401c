/** The parts of the Bot API's objects the connector reads (https://core.telegram.org/bots/api). */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgMessageEntity {
  type: string;
  /** In UTF-16 code units, as JavaScript strings count. */
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface TgFileBase {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

export interface TgPhotoSize extends TgFileBase {
  width: number;
  height: number;
}

export interface TgDocument extends TgFileBase {
  file_name?: string;
  mime_type?: string;
}

export interface TgVoice extends TgFileBase {
  duration: number;
  mime_type?: string;
}

export interface TgVideo extends TgFileBase {
  width: number;
  height: number;
  duration: number;
  file_name?: string;
  mime_type?: string;
}

export interface TgSticker extends TgFileBase {
  type: string;
  width: number;
  height: number;
  is_animated: boolean;
  is_video: boolean;
  emoji?: string;
}

export interface TgLocation {
  latitude: number;
  longitude: number;
}

export interface TgContact {
  phone_number: string;
  first_name: string;
  last_name?: string;
  user_id?: number;
}

export type TgMessageOrigin =
  | { type: 'user'; date: number; sender_user: TgUser }
  | { type: 'hidden_user'; date: number; sender_user_name: string }
  | { type: 'chat'; date: number; sender_chat: TgChat; author_signature?: string }
  | { type: 'channel'; date: number; chat: TgChat; message_id: number; author_signature?: string };

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: TgMessageEntity[];
  caption?: string;
  caption_entities?: TgMessageEntity[];
  photo?: TgPhotoSize[];
  document?: TgDocument;
  voice?: TgVoice;
  video?: TgVideo;
  sticker?: TgSticker;
  location?: TgLocation;
  contact?: TgContact;
  forward_origin?: TgMessageOrigin;
  reply_to_message?: TgMessage;
}

export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  new_chat_member: { status: string; user: TgUser };
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  my_chat_member?: TgChatMemberUpdated;
}

export interface TgFile extends TgFileBase {
  file_path?: string;
}

/** Updates the connector asks Telegram for in setWebhook. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'my_chat_member'] as const;

/** Bots may download files of up to 20 MB with getFile. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;
