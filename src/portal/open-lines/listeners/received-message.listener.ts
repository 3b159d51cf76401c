import { Injectable } from '@nestjs/common';
import type { ReceivedMessagePayload } from '../../events/events.js';
import { IncomingMessagesService } from '../messages/incoming-messages.service.js';
import { OnPortalEvent } from './on-portal-event.js';

@Injectable()
export class ReceivedMessageListener {
  constructor(private readonly incoming: IncomingMessagesService) {}

  @OnPortalEvent('OnReceivedMessage')
  async onMessage(payload: ReceivedMessagePayload): Promise<void> {
    await this.incoming.receive(payload);
  }

  @OnPortalEvent('OnReceivedMessageUpdate')
  async onUpdate(payload: ReceivedMessagePayload): Promise<void> {
    await this.incoming.edit(payload);
  }

  @OnPortalEvent('OnReceivedMessageDel')
  async onDelete(payload: ReceivedMessagePayload): Promise<void> {
    await this.incoming.remove(payload);
  }
}
