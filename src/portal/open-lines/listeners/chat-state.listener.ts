import { Injectable } from '@nestjs/common';
import type { PortalEventMap } from '../../events/events.js';
import { ChatStateService } from '../chats/chat-state.service.js';
import { OnPortalEvent } from './on-portal-event.js';

@Injectable()
export class ChatStateListener {
  constructor(private readonly chatState: ChatStateService) {}

  @OnPortalEvent('OnReceivedStatusBlock')
  async onBlock(payload: PortalEventMap['OnReceivedStatusBlock']): Promise<void> {
    await this.chatState.markBlocked(payload);
  }

  @OnPortalEvent('OnNewChatName')
  async onNewName(payload: PortalEventMap['OnNewChatName']): Promise<void> {
    await this.chatState.rename(payload);
  }
}
