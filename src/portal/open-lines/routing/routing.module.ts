import { Module } from '@nestjs/common';
import { CustomerMessages } from '../customer-messages/customer-messages.service.js';
import { LineSettingsRepository } from '../line-settings/line-settings.repository.js';
import { LineSettingsService } from '../line-settings/line-settings.service.js';
import { OperatorReplyListener } from '../listeners/operator-reply.listener.js';
import { SessionRoutingListener } from '../listeners/session-routing.listener.js';
import { RepliesModule } from '../replies/replies.module.js';
import { OpenLinesModule } from '../open-lines.module.js';
import { PresenceRepository } from '../operators/presence.repository.js';
import { PresenceService } from '../operators/presence.service.js';
import { SessionChanges } from '../sessions/session-changes.js';
import { SessionQueryService } from '../sessions/session-query.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { OperatorDeparture } from './operator-departure.service.js';
import { RoutingScheduler } from './routing.scheduler.js';
import { RoutingService } from './routing.service.js';

/**
 * Routing of Open Lines: line settings, sessions, operators' presence, distribution and its
 * timers, and the portal's own messages to customers.
 */
@Module({
  imports: [OpenLinesModule, RepliesModule],
  providers: [
    LineSettingsRepository,
    SessionsRepository,
    PresenceRepository,
    LineSettingsService,
    SessionChanges,
    RoutingService,
    OperatorDeparture,
    SessionsService,
    SessionQueryService,
    PresenceService,
    CustomerMessages,
    RoutingScheduler,
    SessionRoutingListener,
    OperatorReplyListener,
  ],
  exports: [
    LineSettingsService,
    SessionQueryService,
    SessionsService,
    SessionsRepository,
    PresenceService,
    RoutingService,
    OperatorDeparture,
    RoutingScheduler,
    CustomerMessages,
  ],
})
export class RoutingModule {}
