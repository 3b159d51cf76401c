import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { FireAndForgetMethod, OlpOutgoing } from '../../protocol/index.js';
import type { Connector, StatusMark } from '../connectors/connector.js';
import { Wakeup } from '../workers/wakeup.js';
import { OutboundRepository } from './outbound.repository.js';

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

  storeItems(lineRef: number, method: ItemMethod, items: OlpOutgoing[]): Promise<void> {
    return this.store(lineRef, method, items);
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
