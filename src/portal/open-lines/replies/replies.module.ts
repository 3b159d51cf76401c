import { Module } from '@nestjs/common';
import { FilesModule } from '../../files/files.module.js';
import { OutputModule } from '../../output/output.module.js';
import { OpenLinesModule } from '../open-lines.module.js';
import { ChatAccessRepository } from './chat-access.repository.js';
import { ChatAccessService } from './chat-access.service.js';
import { FileLinksRepository } from './file-links.repository.js';
import { OutboxSettledListener } from './outbox-settled.listener.js';
import { OutgoingMessagesRepository } from './outgoing-messages.repository.js';
import { RepliesService } from './replies.service.js';

/**
 * Operators' replies and the portal's own messages to customers (RepliesService), their status
 * as the outbox and the channel report it, and the revocable links of their files.
 */
@Module({
  imports: [OpenLinesModule, OutputModule, FilesModule],
  providers: [
    OutgoingMessagesRepository,
    FileLinksRepository,
    ChatAccessRepository,
    ChatAccessService,
    RepliesService,
    OutboxSettledListener,
  ],
  exports: [RepliesService, ChatAccessService, FileLinksRepository, OutgoingMessagesRepository],
})
export class RepliesModule {}
