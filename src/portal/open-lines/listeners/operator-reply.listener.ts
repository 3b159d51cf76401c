import { Injectable } from '@nestjs/common';
import type { ChatMessagePayload } from '../../events/events.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { OnPortalEvent } from './on-portal-event.js';

/** An operator's new message answers the chat's session (system messages have no author). */
@Injectable()
export class OperatorReplyListener {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly sessions: SessionsService,
  ) {}

  @OnPortalEvent('OnChatMessage')
  async onMessage(p: ChatMessagePayload): Promise<void> {
    if (p.direction !== 'out' || p.change !== 'created') return;
    const operatorId = await this.repo.messageAuthor(p.messageId);
    if (operatorId !== null) await this.sessions.recordOperatorReply({ chatId: p.chatId, operatorId });
  }
}
