import type { OlpAttachment, OlpFile, OlpMessage, TypeMessage } from '../../../protocol/index.js';
import type { InboundItem } from '../connector.js';
import { entitiesToBbCode } from './entities.js';
import {
  TELEGRAM_DOWNLOAD_LIMIT,
  type TgChat,
  type TgFileBase,
  type TgMessage,
  type TgMessageOrigin,
  type TgRepliedMessage,
  type TgUpdate,
  type TgUser,
} from './telegram.types.js';

/** A Telegram file the message carries, before it becomes a link. */
export interface FileToLink {
  fileId: string;
  name: string;
  type?: string;
  size?: number;
}

/** Makes the server link of a file (see TelegramFileLinks). */
export type LinkFile = (file: FileToLink) => string;

const fullName = (first?: string, last?: string) => [first, last].filter(Boolean).join(' ');
const profileUrl = (username?: string) => (username ? `https://t.me/${username}` : undefined);

function personOf(user: TgUser) {
  return {
    id: String(user.id),
    name: user.first_name,
    ...(user.last_name && { last_name: user.last_name }),
    ...(user.username && { url: profileUrl(user.username) }),
  };
}

/** The sender; a channel post or anonymous admin has none, and the chat speaks. */
function userOf(user: TgUser | undefined, chat: TgChat) {
  if (user) return personOf(user);
  return { id: String(chat.id), name: chat.title ?? fullName(chat.first_name, chat.last_name) };
}

function chatOf(chat: TgChat) {
  const name = chat.title ?? fullName(chat.first_name, chat.last_name);
  return {
    id: String(chat.id),
    ...(name && { name }),
    ...(chat.username && { url: profileUrl(chat.username) }),
  };
}

/** The file of a message, with the name and type a download would need. */
function fileOf(message: TgRepliedMessage): (TgFileBase & { name: string; type?: string }) | null {
  if (message.photo?.length) {
    const largest = message.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return { ...largest, name: `photo_${largest.file_unique_id}.jpg`, type: 'image/jpeg' };
  }
  if (message.document) {
    const d = message.document;
    return { ...d, name: d.file_name ?? `document_${d.file_unique_id}`, type: d.mime_type };
  }
  if (message.video) {
    const v = message.video;
    return { ...v, name: v.file_name ?? `video_${v.file_unique_id}.mp4`, type: v.mime_type ?? 'video/mp4' };
  }
  if (message.voice) {
    const v = message.voice;
    return { ...v, name: `voice_${v.file_unique_id}.ogg`, type: v.mime_type ?? 'audio/ogg' };
  }
  if (message.sticker) {
    const s = message.sticker;
    const [ext, type] = s.is_video
      ? ['webm', 'video/webm']
      : s.is_animated
        ? ['tgs', 'application/x-tgsticker']
        : ['webp', 'image/webp'];
    return { ...s, name: `sticker_${s.file_unique_id}.${ext}`, type };
  }
  return null;
}

function forwardOf(origin: TgMessageOrigin): OlpAttachment {
  switch (origin.type) {
    case 'user':
      return {
        forward: {
          date: origin.date,
          user: personOf(origin.sender_user),
          name: fullName(origin.sender_user.first_name, origin.sender_user.last_name),
        },
      };
    case 'hidden_user':
      return { forward: { date: origin.date, name: origin.sender_user_name } };
    case 'chat':
      return {
        forward: { date: origin.date, chat: chatOf(origin.sender_chat), name: origin.sender_chat.title },
      };
    case 'channel':
      return {
        forward: {
          date: origin.date,
          chat: chatOf(origin.chat),
          name: origin.chat.title,
          message_id: String(origin.message_id),
        },
      };
  }
}

const textOf = (m: TgRepliedMessage) =>
  m.text !== undefined
    ? entitiesToBbCode(m.text, m.entities)
    : m.caption !== undefined
      ? entitiesToBbCode(m.caption, m.caption_entities)
      : undefined;

/** One Telegram message as an OLP message. */
export function messageToOlp(message: TgMessage, edited: boolean, linkFile: LinkFile): OlpMessage {
  let text = textOf(message);
  const isStart = !edited && message.text !== undefined && /^\/start(@\w+)?(\s|$)/.test(message.text);
  const type: TypeMessage = edited ? 'message_update' : isStart ? 'command_start' : 'message';
  const files: OlpFile[] = [];
  let failedBigFile = false;
  const file = fileOf(message);
  if (file) {
    if (file.file_size !== undefined && file.file_size > TELEGRAM_DOWNLOAD_LIMIT) {
      failedBigFile = true;
    } else {
      const ref = { fileId: file.file_id, name: file.name, type: file.type, size: file.file_size };
      files.push({
        url: linkFile(ref),
        name: file.name,
        ...(file.type && { type: file.type }),
        ...(file.file_size !== undefined && { size: file.file_size }),
      });
    }
  }
  if (text === undefined && message.sticker?.emoji) text = message.sticker.emoji;

  const attachments: OlpAttachment[] = [];
  if (message.forward_origin) attachments.push(forwardOf(message.forward_origin));
  if (message.reply_to_message) {
    const r = message.reply_to_message;
    attachments.push({
      reply: {
        id: String(r.message_id),
        date: r.date,
        ...(r.from && { user: userOf(r.from, r.chat) }),
        ...(textOf(r) !== undefined && { text: textOf(r) }),
      },
    });
  }
  if (message.location) {
    attachments.push({
      location: { latitude: message.location.latitude, longitude: message.location.longitude },
    });
  }
  if (message.contact) {
    const c = message.contact;
    attachments.push({
      contact: {
        phone: c.phone_number,
        name: fullName(c.first_name, c.last_name),
        ...(c.user_id !== undefined && { user_id: String(c.user_id) }),
      },
    });
  }
  return {
    type_message: type,
    user: userOf(message.from, message.chat),
    chat: chatOf(message.chat),
    message: {
      id: String(message.message_id),
      date: edited ? (message.edit_date ?? message.date) : message.date,
      ...(text !== undefined && { text }),
      ...(files.length && { files }),
      ...(attachments.length && { attachments }),
      ...(failedBigFile && { failed_big_file: true }),
    },
  };
}

/** The OLP items of one Update; kinds the connector does not carry give none. */
export function updateToItems(update: TgUpdate, linkFile: LinkFile): InboundItem[] {
  if (update.message) {
    return [{ command: 'receivingMessage', item: messageToOlp(update.message, false, linkFile) }];
  }
  if (update.edited_message) {
    return [{ command: 'receivingMessage', item: messageToOlp(update.edited_message, true, linkFile) }];
  }
  const member = update.my_chat_member;
  // A private chat's user stopped the bot: the customer blocked it.
  if (member?.chat.type === 'private' && member.new_chat_member.status === 'kicked') {
    return [
      {
        command: 'receivingStatusBlock',
        item: { chat: { id: String(member.chat.id) }, user: { id: String(member.from.id) } },
      },
    ];
  }
  return [];
}
