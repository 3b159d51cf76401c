import type { Message } from '../../src/generated/portal-sqlite/client.js';
import type { ReceivedMessagePayload } from '../../src/portal/events/events.js';
import type { DatabaseService } from '../../src/portal/storage/database.service.js';
import type { OlpMessage } from '../../src/protocol/index.js';

let sequence = 0;
const next = () => ++sequence;

export interface ReceivedMessageOptions {
  connector?: string;
  line?: string;
  chatId?: string;
  messageId?: string;
  type?: OlpMessage['type_message'];
  userId?: number;
  text?: string;
  fileIds?: string[];
  chat?: Partial<OlpMessage['chat']>;
}

/** A payload as the pipelines hand it to OnReceivedMessage (and its update/delete siblings). */
export function receivedMessagePayload(o: ReceivedMessageOptions = {}): ReceivedMessagePayload {
  const n = next();
  const text = o.text ?? `hello ${n}`;
  return {
    connector: o.connector ?? 'telegrambot',
    line: o.line ?? '1',
    inboxId: n,
    userId: o.userId ?? 1,
    text,
    fileIds: o.fileIds ?? [],
    fileErrors: [],
    message: {
      type_message: o.type ?? 'message',
      user: { id: 'u-1', name: 'Ann' },
      chat: { id: o.chatId ?? 'chat-1', ...o.chat },
      message: { id: o.messageId ?? `m-${n}`, date: 1_767_225_600, text },
    },
  };
}

/** Inserts an operator's message, as the operators' side would before sending it. */
export async function insertOutgoingMessage(
  db: DatabaseService,
  opts: { chatId: number; text?: string; status?: string; at?: Date },
): Promise<Message> {
  const at = opts.at ?? new Date(Date.UTC(2026, 0, 1));
  return db.client.message.create({
    data: {
      chatId: opts.chatId,
      direction: 'out',
      authorId: null,
      text: opts.text ?? 'operator reply',
      files: '[]',
      status: opts.status ?? 'sent',
      createdAt: at,
      updatedAt: at,
    },
  });
}
