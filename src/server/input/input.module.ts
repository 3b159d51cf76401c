import { Module } from '@nestjs/common';
import { AccountTakeover } from './account-takeover.service.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { LinesModule } from '../lines/lines.module.js';
import { OutboundModule } from '../outbound/outbound.module.js';
import { PortalsModule } from '../portals/portals.module.js';
import { QueueModule } from '../queue/queue.module.js';
import { ConnectorLines } from './connector-lines.service.js';
import { DeleteConnectorHandler } from './handlers/delete-connector.handler.js';
import { DeleteLineHandler } from './handlers/delete-line.handler.js';
import { InfoConnectorsLineHandler } from './handlers/info-connectors-line.handler.js';
import {
  DeleteMessageHandler,
  SendMessageHandler,
  UpdateMessageHandler,
} from './handlers/outgoing-items.handler.js';
import { RegisterHandler } from './handlers/register.handler.js';
import { SaveSettingsHandler } from './handlers/save-settings.handler.js';
import { SetStatusDeliveredHandler, SetStatusReadingHandler } from './handlers/status-marks.handler.js';
import { TestConnectHandler } from './handlers/test-connect.handler.js';
import { UnregisterHandler } from './handlers/unregister.handler.js';
import { JtiRepository } from './jti.repository.js';
import { OLP_METHOD_HANDLERS, type OlpMethodHandler } from './olp-packet.js';
import { OlpSignatureGuard } from './olp-signature.guard.js';
import { OlpController } from './olp.controller.js';
import { OlpRouter } from './olp.router.js';

/** One handler per portal-to-server method; adding a method is adding a file and a line here. */
const HANDLERS = [
  SaveSettingsHandler,
  TestConnectHandler,
  RegisterHandler,
  UnregisterHandler,
  DeleteConnectorHandler,
  InfoConnectorsLineHandler,
  DeleteLineHandler,
  SendMessageHandler,
  UpdateMessageHandler,
  DeleteMessageHandler,
  SetStatusDeliveredHandler,
  SetStatusReadingHandler,
];

@Module({
  imports: [PortalsModule, LinesModule, QueueModule, OutboundModule, AccountsModule],
  controllers: [OlpController],
  providers: [
    ...HANDLERS,
    {
      provide: OLP_METHOD_HANDLERS,
      inject: HANDLERS,
      useFactory: (...handlers: OlpMethodHandler[]) => handlers,
    },
    OlpRouter,
    OlpSignatureGuard,
    JtiRepository,
    ConnectorLines,
    AccountTakeover,
  ],
  exports: [JtiRepository],
})
export class InputModule {}
