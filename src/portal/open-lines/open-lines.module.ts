import { Module } from '@nestjs/common';
import { AdminAlertsRepository } from './alerts/admin-alerts.repository.js';
import { AdminAlertsService } from './alerts/admin-alerts.service.js';
import { ChatStateService } from './chats/chat-state.service.js';
import { ChatsRepository } from './chats/chats.repository.js';
import { ConnectorDeactivationService } from './connectors/connector-deactivation.service.js';
import { ConnectorStatusesRepository } from './connectors/connector-statuses.repository.js';
import { LinesRepository } from './lines/lines.repository.js';
import { LinesService } from './lines/lines.service.js';
import { ChatStateListener } from './listeners/chat-state.listener.js';
import { ConnectorDeactivatedListener } from './listeners/connector-deactivated.listener.js';
import { OutgoingStatusListener } from './listeners/outgoing-status.listener.js';
import { ReceivedMessageListener } from './listeners/received-message.listener.js';
import { IncomingMessagesService } from './messages/incoming-messages.service.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { OutgoingStatusService } from './messages/outgoing-status.service.js';

const repositories = [
  LinesRepository,
  ConnectorStatusesRepository,
  AdminAlertsRepository,
  ChatsRepository,
  MessagesRepository,
];

/** Lines, connector statuses, chats and messages: the portal's own record of conversations. */
@Module({
  providers: [
    ...repositories,
    LinesService,
    AdminAlertsService,
    IncomingMessagesService,
    OutgoingStatusService,
    ChatStateService,
    ConnectorDeactivationService,
    ReceivedMessageListener,
    OutgoingStatusListener,
    ChatStateListener,
    ConnectorDeactivatedListener,
  ],
  exports: [...repositories, LinesService, AdminAlertsService],
})
export class OpenLinesModule {}
