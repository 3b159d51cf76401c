import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { FireAndForgetMethod, OlpOutgoing } from '../../protocol/index.js';
import type { Connector, StatusMark } from '../connectors/connector.js';
import { Wakeup } from '../workers/wakeup.js';
import { OutboundRepository, type ItemReceipt } from './outbound.repository.js';

export type OutboundMethod = FireAndForgetMethod;
export type ItemMethod = 'sendMessage' | 'updateMessage' | 'deleteMessage';

export const isItemMethod = (method: OutboundMethod): method is ItemMethod =>
  method === 'sendMessage' || method === 'updateMessage' || method === 'deleteMessage';

/** Stores the portal's fire-and-forget calls for the outbound worker. */
@Injectable()
export class OutboundService {
  constructor(
    private readonly repo: OutboundRepository,
    private readonly clock: Clock,
    private readonly wakeup: Wakeup,
  ) {}

  /**
   * Stores the items the server has not stored before: the portal's outbox sends a call again when
   * it lost the answer, and the visitor must not get the reply twice. An item is known by the
   * portal's chat and message id (Outgoing.im) and its content; an item already stored is answered
   * as accepted again and stored nothing. Resolves how many items were new.
   */
  async storeItems(lineRef: number, method: ItemMethod, items: OlpOutgoing[]): Promise<number> {
    const stored = await this.repo.storeItems({
      lineRef,
      method,
      items: items.map((item) => ({ item, receipt: receiptOf(item) })),
      now: this.clock.now(),
    });
    if (stored) this.wakeup.notify();
    return stored;
  }

  /**
   * Stores a status mark for the channel; a connector without that mark (most channels show
   * neither) gets nothing stored. Resolves whether a call was stored.
   */
  async storeMarks(
    lineRef: number,
    method: 'setStatusDelivered' | 'setStatusReading',
    connector: Connector,
    items: StatusMark[],
  ): Promise<boolean> {
    const supported = method === 'setStatusDelivered' ? connector.markDelivered : connector.markRead;
    if (!supported) return false;
    await this.store(lineRef, method, items);
    return true;
  }

  private async store(lineRef: number, method: OutboundMethod, items: unknown[]): Promise<void> {
    if (!items.length) return;
    await this.repo.store({ lineRef, method, items: JSON.stringify(items), now: this.clock.now() });
    this.wakeup.notify();
  }
}

export function receiptOf(item: OlpOutgoing): ItemReceipt {
  return {
    chatId: item.im.chat_id,
    messageId: item.im.message_id,
    fingerprint: createHash('sha256').update(JSON.stringify(item)).digest('base64url'),
  };
}
