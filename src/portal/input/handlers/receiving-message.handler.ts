import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { OutputService } from '../../output/output.service.js';
import { InboxRepository } from '../inbox/inbox.repository.js';
import { InboxWorker } from '../inbox/inbox.worker.js';
import type { OlpMessage } from '../../../protocol/index.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

/** The reply for one message of the packet. */
export interface MessageResult {
  chat: { id: string };
  message: { id: string };
  ok: true;
  duplicate?: true;
}

/**
 * The message's id in its inbox identity. Each edit of one message is a message_update with the
 * same id; its date (the edit time) tells the edits apart, so a second edit is not a repeat.
 */
const inboxMessageId = (m: OlpMessage): string =>
  m.type_message === 'message_update' ? `${m.message.id}@${m.message.date}` : m.message.id;

/**
 * Stores every message in the inbox, confirms them all to the server, and answers per message;
 * processing happens later, from the inbox (InboxWorker).
 */
@Injectable()
@OlpCommand('receivingMessage')
export class ReceivingMessageHandler implements OlpCommandHandler<'receivingMessage'> {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly output: OutputService,
    private readonly worker: InboxWorker,
    private readonly clock: Clock,
  ) {}

  async handle({ connector, line, data }: CommandPacket<'receivingMessage'>): Promise<MessageResult[]> {
    const stored = await this.inbox.storePacket({
      connector,
      line,
      now: this.clock.now(),
      messages: data.map((m) => ({
        chatId: m.chat.id,
        messageId: inboxMessageId(m),
        typeMessage: m.type_message,
        payload: JSON.stringify(m),
      })),
    });
    // Repeats are confirmed too: the server sends again what it saw no confirmation for, and its
    // line stays blocked until it gets one. The call resolves once the confirmation is in the
    // durable outbox, and the reply goes only after that: if the process dies in between, the
    // server gets no answer, sends the packet again, and its repeats are confirmed then.
    await this.output
      .connector(connector, line)
      .setStatusDelivered(data.map((m) => ({ chat: { id: m.chat.id }, message: { id: m.message.id } })));
    this.worker.nudge();
    return data.map((m, i) => ({
      chat: { id: m.chat.id },
      message: { id: m.message.id },
      ok: true,
      ...(stored[i]?.duplicate ? { duplicate: true } : {}),
    }));
  }
}
