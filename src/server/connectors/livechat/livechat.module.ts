import { Module } from '@nestjs/common';
import { HooksModule } from '../../hooks/hooks.module.js';
import { LinesModule } from '../../lines/lines.module.js';
import { LiveChatCors } from './livechat-cors.js';
import { LiveChatEvents } from './livechat-events.service.js';
import { LiveChatSessions } from './livechat-sessions.js';
import { LiveChatVisitors } from './livechat-visitors.service.js';
import { LiveChatController } from './livechat.controller.js';
import { LiveChatRepository } from './livechat.repository.js';

/** The live chat's visitor endpoints and what its connector takes from the server. */
@Module({
  imports: [HooksModule, LinesModule],
  controllers: [LiveChatController],
  providers: [LiveChatRepository, LiveChatSessions, LiveChatEvents, LiveChatVisitors, LiveChatCors],
  exports: [LiveChatRepository, LiveChatSessions, LiveChatEvents],
})
export class LiveChatModule {}
