import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import type { PortalEventMap } from '../../events/events.js';
import { AdminAlertsRepository } from '../alerts/admin-alerts.repository.js';
import { parseRowId } from '../row-id.js';
import { ConnectorStatusesRepository } from './connector-statuses.repository.js';

/** The connector server deactivated (connector, line): the account was connected elsewhere. */
@Injectable()
export class ConnectorDeactivationService {
  private readonly logger = new Logger(ConnectorDeactivationService.name);

  constructor(
    private readonly statuses: ConnectorStatusesRepository,
    private readonly alerts: AdminAlertsRepository,
    private readonly clock: Clock,
  ) {}

  async deactivate(p: PortalEventMap['OnConnectorDeactivated']): Promise<void> {
    const at = this.clock.now();
    const reason = p.reason.trim() || 'no reason given';
    const lineId = parseRowId(p.line);
    if (lineId === null) {
      // Statuses are kept per portal line; the admins still hear about it.
      this.logger.warn(`connector ${p.connector} deactivated on unknown line "${p.line}": ${reason}`);
    } else {
      await this.statuses.markError({ connector: p.connector, lineId, reason, at });
    }
    await this.alerts.record({
      kind: 'connector_deactivated',
      connector: p.connector,
      lineId,
      message: `Connector ${p.connector} on line ${p.line} was deactivated: ${reason}`,
      at,
    });
  }
}
