import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { InputModule } from '../input/input.module.js';
import { OpenLinesModule } from '../open-lines/open-lines.module.js';
import { OperatorEventsModule } from '../open-lines/operator-events/operator-events.module.js';
import { RepliesModule } from '../open-lines/replies/replies.module.js';
import { OutputModule } from '../output/output.module.js';
import { RoutingModule } from '../open-lines/routing/routing.module.js';
import { LineSettingsController } from './line-settings/line-settings.controller.js';
import { OperatorsController } from './operators/operators.controller.js';
import { SessionActionsService } from './sessions/session-actions.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { AlertsController } from './alerts/alerts.controller.js';
import { InboxController } from './inbox/inbox.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { FirstAdminService } from './auth/first-admin.service.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { TokenService } from './auth/token.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { LoginThrottlesRepository } from './auth/login-throttles.repository.js';
import { TokenAuthenticator } from './auth/token-authenticator.js';
import { UsersRepository } from './auth/users.repository.js';
import { ChatsController } from './chats/chats.controller.js';
import { ConnectorSetupService } from './connectors/connector-setup.service.js';
import { ConnectorSetupController, ConnectorTypesController } from './connectors/connectors.controller.js';
import { CustomerNamesRepository } from './chats/customer-names.repository.js';
import { InboxQueryService } from './chats/inbox-query.service.js';
import { FileDownloadsService } from './files/file-downloads.service.js';
import { FilesController } from './files/files.controller.js';
import { LinesController } from './lines/lines.controller.js';
import { UsersController } from './users/users.controller.js';
import { UserAccessService } from './users/user-access.service.js';
import { UsersService } from './users/users.service.js';
import { FileLinksController } from './replies/file-links.controller.js';
import { RepliesApiService } from './replies/replies-api.service.js';
import {
  ChatRepliesController,
  OperatorMessagesController,
  UploadsController,
} from './replies/replies.controller.js';
import { OperatorStreamService } from './stream/operator-stream.service.js';
import { StreamController } from './stream/stream.controller.js';
import { StreamAccessWatch } from './stream/stream-access.watch.js';
import { StreamTokenService } from './stream/stream-token.service.js';

/** The REST API for the operator UI, under /api, behind bearer tokens (see ApiController). */
@Module({
  imports: [
    InputModule,
    OpenLinesModule,
    RoutingModule,
    FilesModule,
    OutputModule,
    RepliesModule,
    OperatorEventsModule,
  ],
  controllers: [
    AuthController,
    UsersController,
    LinesController,
    ConnectorTypesController,
    ConnectorSetupController,
    AlertsController,
    InboxController,
    ChatsController,
    FilesController,
    SessionsController,
    OperatorsController,
    LineSettingsController,
    ChatRepliesController,
    OperatorMessagesController,
    UploadsController,
    FileLinksController,
    StreamController,
  ],
  providers: [
    TokenService,
    TokenAuthenticator,
    PasswordHasher,
    UsersRepository,
    LoginThrottlesRepository,
    LoginThrottle,
    AuthGuard,
    AuthService,
    FirstAdminService,
    UsersService,
    UserAccessService,
    CustomerNamesRepository,
    InboxQueryService,
    FileDownloadsService,
    ConnectorSetupService,
    RepliesApiService,
    SessionActionsService,
    StreamTokenService,
    StreamAccessWatch,
    OperatorStreamService,
  ],
  exports: [FirstAdminService],
})
export class ApiModule {}
