import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import type { OutgoingProcessor } from '../output/outgoing-processor.js';
import { isBotframeworkConnector, type BotframeworkSenderData } from './botframework.js';
import { BotframeworkSendersRepository } from './botframework-senders.repository.js';

const MESSAGE_METHODS = new Set(['sendMessage', 'updateMessage', 'deleteMessage']);

const itemShape = z.looseObject({
  chat: z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String) }),
  message: z.looseObject({}).optional(),
});

const storedShape = z.object({
  from: z.unknown().optional(),
  recipient: z.unknown().optional(),
  service_url: z.unknown().optional(),
  conversation: z.unknown().optional(),
});

/**
 * Mixes the stored Bot Framework sender data of each chat into outgoing message items (the seed's
 * sendMessageProcessing), so the connector server can address the reply. The data goes into the
 * item's `message`, where OLP/1 carries channel data; fields the item already has are kept.
 */
@Injectable()
export class BotframeworkOutgoingProcessor implements OutgoingProcessor {
  private readonly logger = new Logger(BotframeworkOutgoingProcessor.name);

  constructor(private readonly senders: BotframeworkSendersRepository) {}

  matches(connector: string): boolean {
    return isBotframeworkConnector(connector);
  }

  async process(
    ctx: { connector: string; line: string | null; method: string },
    items: unknown[],
  ): Promise<unknown[]> {
    const { connector, line } = ctx;
    if (!MESSAGE_METHODS.has(ctx.method)) return items;
    if (line === null) {
      this.logger.warn(`${ctx.method} for ${connector} without a line: sender data cannot be looked up`);
      return items;
    }
    const byChat = new Map<string, Promise<BotframeworkSenderData | null>>();
    const lookup = (externalChatId: string) => {
      let found = byChat.get(externalChatId);
      if (!found) {
        found = this.senders
          .find({ connector, lineId: line, externalChatId })
          .then((row) => (row ? storedShape.parse(JSON.parse(row.data)) : null));
        byChat.set(externalChatId, found);
      }
      return found;
    };
    return Promise.all(
      items.map(async (item) => {
        const parsed = itemShape.safeParse(item);
        if (!parsed.success) return item;
        const data = await lookup(parsed.data.chat.id);
        if (!data) {
          this.logger.warn(`no Bot Framework sender data for chat ${parsed.data.chat.id} of ${connector}`);
          return item;
        }
        return { ...(item as object), message: { ...data, ...parsed.data.message } };
      }),
    );
  }
}
