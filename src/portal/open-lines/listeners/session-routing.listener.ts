import { Injectable } from '@nestjs/common';
import type { ReceivedMessagePayload } from '../../events/events.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { OnPortalEvent } from './on-portal-event.js';

/** Every customer message opens, reopens or continues the chat's session, which is then routed. */
@Injectable()
export class SessionRoutingListener {
  constructor(private readonly sessions: SessionsService) {}

  @OnPortalEvent('OnReceivedMessage')
  async onMessage(payload: ReceivedMessagePayload): Promise<void> {
    await this.sessions.onCustomerMessage(payload);
  }
}
