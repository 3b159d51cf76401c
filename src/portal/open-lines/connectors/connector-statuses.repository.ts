import { Injectable } from '@nestjs/common';
import type { ConnectorStatus } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

@Injectable()
export class ConnectorStatusesRepository {
  constructor(private readonly db: DatabaseService) {}

  listForLine(lineId: number): Promise<ConnectorStatus[]> {
    return this.db.client.connectorStatus.findMany({ where: { lineId }, orderBy: { connector: 'asc' } });
  }

  /** Puts (connector, line) into error, creating its status row if the portal never saw one. */
  markError(opts: { connector: string; lineId: number; reason: string; at: Date }): Promise<ConnectorStatus> {
    const { connector, lineId, reason, at } = opts;
    return this.db.client.connectorStatus.upsert({
      where: { connector_lineId: { connector, lineId } },
      create: {
        connector,
        lineId,
        active: false,
        connection: false,
        registered: false,
        error: true,
        data: '{}',
        errorAt: at,
        errorReason: reason,
        updatedAt: at,
      },
      update: { error: true, errorAt: at, errorReason: reason, updatedAt: at },
    });
  }
}
