import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { OlpMessage } from '../../../protocol/index.js';
import { isBotframeworkConnector, type BotframeworkSenderData } from '../../botframework/botframework.js';
import { BotframeworkSendersRepository } from '../../botframework/botframework-senders.repository.js';
import { canonicalMd5 } from '../canonical-hash.js';
import type { MessageContext, PipelineStep } from '../pipeline.js';

/** Only new and edited messages carry fresh addressing data (as in the seed). */
const CARRYING_TYPES = new Set<OlpMessage['type_message']>(['message', 'message_update']);

/**
 * The sender data needed to answer, as `message` carries it (OLP/1), turned around for the reply:
 * the bot (incoming `recipient`) becomes `from` and the customer (incoming `from`) `recipient`.
 */
export function senderDataOf(message: OlpMessage): BotframeworkSenderData | null {
  const { from, recipient, service_url, conversation } = message.message;
  const data: BotframeworkSenderData = {};
  if (recipient != null) data.from = recipient;
  if (from != null) data.recipient = from;
  if (service_url != null) data.service_url = service_url;
  if (conversation != null) data.conversation = conversation;
  return Object.keys(data).length ? data : null;
}

/**
 * Step 5: keeps, per Bot Framework chat, the data needed to answer it (the seed's
 * furtherMessageProcessing). The row is written only when some part of that data changed.
 */
@Injectable()
export class BotframeworkStep implements PipelineStep {
  readonly name = 'botframework';

  constructor(
    private readonly senders: BotframeworkSendersRepository,
    private readonly clock: Clock,
  ) {}

  async run(ctx: MessageContext): Promise<void> {
    if (!isBotframeworkConnector(ctx.connector) || !CARRYING_TYPES.has(ctx.message.type_message)) return;
    const data = senderDataOf(ctx.message);
    if (!data) return;
    const key = { connector: ctx.connector, lineId: ctx.line, externalChatId: ctx.message.chat.id };
    const dataHash = canonicalMd5(data);
    const stored = await this.senders.find(key);
    if (stored?.dataHash === dataHash) return;
    await this.senders.save({ ...key, data: JSON.stringify(data), dataHash, updatedAt: this.clock.now() });
  }
}
