import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { Clock } from '../../common/clock.js';
import {
  blockItemSchema,
  chatNameItemSchema,
  errorItemSchema,
  messageSchema,
  statusItemSchema,
} from '../../protocol/index.js';
import type { InboundCommand, InboundItem } from '../connectors/connector.js';
import { Wakeup } from '../workers/wakeup.js';
import { QueueRepository, type QueueInsert } from './queue.repository.js';

const ITEM_SCHEMAS: Record<InboundCommand, z.ZodType> = {
  receivingMessage: messageSchema,
  receivingStatusDelivery: statusItemSchema,
  receivingStatusReading: statusItemSchema,
  receivingError: errorItemSchema,
  receivingStatusBlock: blockItemSchema,
  setChatName: chatNameItemSchema,
};

/** An item that OLP/1 would refuse; raised before anything is stored. */
export class InvalidQueueItem extends Error {
  override name = 'InvalidQueueItem';
}

/**
 * Turns items into queue rows, validated against OLP/1 so that the portal never refuses what the
 * queue holds. This is where every channel's items enter the queue, so the schemas' customer text
 * rule applies here (NUL and lone surrogates removed, an over-long text cut: docs/protocol.md);
 * ids are normalised to strings as the schemas give them.
 */
export function toQueueInserts(items: InboundItem[]): QueueInsert[] {
  return items.map(({ command, item }, index) => {
    const schema = ITEM_SCHEMAS[command];
    if (!schema) throw new InvalidQueueItem(`item #${index}: "${String(command)}" is not a queued command`);
    const result = schema.safeParse(item);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new InvalidQueueItem(
        `item #${index} (${command}) at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const parsed = result.data as { chat?: { id?: string }; message?: { id?: string } };
    const isMessage = command === 'receivingMessage';
    return {
      command,
      chatId: isMessage ? (parsed.chat?.id ?? null) : null,
      messageId: isMessage ? (parsed.message?.id ?? null) : null,
      payload: JSON.stringify(result.data),
    };
  });
}

/** The queue towards the portal as the rest of the server uses it: append, and apply confirmations. */
@Injectable()
export class PortalQueue {
  constructor(
    private readonly repo: QueueRepository,
    private readonly clock: Clock,
    private readonly wakeup: Wakeup,
  ) {}

  /** Stores the items durably at the end of the line's queue; throws InvalidQueueItem storing nothing. */
  async enqueue(lineRef: number, items: InboundItem[]): Promise<void> {
    const inserts = toQueueInserts(items);
    if (!inserts.length) return;
    await this.repo.enqueue({ lineRef, items: inserts, now: this.clock.now() });
    this.wakeup.notify();
  }

  /** The portal's setStatusDelivered for receivingMessage items; resolves how many items it confirmed. */
  async confirmDelivered(
    lineRef: number,
    marks: { chat: { id: string }; message: { id: string[] } }[],
  ): Promise<number> {
    const confirmed = marks.flatMap((m) =>
      m.message.id.map((messageId) => ({ chatId: m.chat.id, messageId })),
    );
    const count = await this.repo.confirmDelivered({ lineRef, confirmed, now: this.clock.now() });
    if (count) this.wakeup.notify();
    return count;
  }

  /** Deletes a line record; what is still queued on it goes to dead letters. */
  retireLine(lineRef: number, reason: string): Promise<number> {
    return this.repo.retireLine({ lineRef, reason, now: this.clock.now() });
  }

  /**
   * Retires a line as retireLine does, and tells its portal with deactivateConnector through the
   * queue (see QueueRepository.retireWithNotice); `hash` is the bare record's unguessable hash.
   */
  async retireWithNotice(
    lineRef: number,
    opts: { reason: string; notice: string; hash: string },
  ): Promise<number> {
    const moved = await this.repo.retireWithNotice({
      lineRef,
      reason: opts.reason,
      hash: opts.hash,
      notice: {
        command: 'deactivateConnector',
        chatId: null,
        messageId: null,
        payload: JSON.stringify({ reason: opts.notice }),
      },
      now: this.clock.now(),
    });
    this.wakeup.notify();
    return moved;
  }
}
