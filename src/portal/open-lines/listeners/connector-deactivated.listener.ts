import { Injectable } from '@nestjs/common';
import type { PortalEventMap } from '../../events/events.js';
import { ConnectorDeactivationService } from '../connectors/connector-deactivation.service.js';
import { OnPortalEvent } from './on-portal-event.js';

@Injectable()
export class ConnectorDeactivatedListener {
  constructor(private readonly deactivation: ConnectorDeactivationService) {}

  @OnPortalEvent('OnConnectorDeactivated')
  async onDeactivated(payload: PortalEventMap['OnConnectorDeactivated']): Promise<void> {
    await this.deactivation.deactivate(payload);
  }
}
