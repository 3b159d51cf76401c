import { Injectable } from '@nestjs/common';
import type { ErrorPayload, StatusPayload } from '../../events/events.js';
import { OutgoingStatusService } from '../messages/outgoing-status.service.js';
import { OnPortalEvent } from './on-portal-event.js';

@Injectable()
export class OutgoingStatusListener {
  constructor(private readonly statuses: OutgoingStatusService) {}

  @OnPortalEvent('OnReceivedStatusDelivery')
  async onDelivery(payload: StatusPayload): Promise<void> {
    await this.statuses.markDelivered(payload);
  }

  @OnPortalEvent('OnReceivedStatusReading')
  async onReading(payload: StatusPayload): Promise<void> {
    await this.statuses.markRead(payload);
  }

  @OnPortalEvent('OnReceivedError')
  async onError(payload: ErrorPayload): Promise<void> {
    await this.statuses.markFailed(payload);
  }
}
