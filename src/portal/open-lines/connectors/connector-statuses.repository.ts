import { Injectable } from '@nestjs/common';
import type { ConnectorStatus } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

@Injectable()
export class ConnectorStatusesRepository {
  constructor(private readonly db: DatabaseService) {}

  listForLine(lineId: number): Promise<ConnectorStatus[]> {
    return this.db.client.connectorStatus.findMany({ where: { lineId }, orderBy: { connector: 'asc' } });
  }

  /** Writes the whole state of (connector, line) as a setup or removal left it. */
  save(opts: {
    connector: string;
    lineId: number;
    active: boolean;
    connection: boolean;
    registered: boolean;
    /** The reason of the failure, or null when nothing failed (clears an earlier error). */
    errorReason: string | null;
    data: string;
    at: Date;
  }): Promise<ConnectorStatus> {
    const { connector, lineId, errorReason, at, ...state } = opts;
    const fields = {
      ...state,
      error: errorReason !== null,
      errorAt: errorReason === null ? null : at,
      errorReason,
      updatedAt: at,
    };
    return this.db.client.connectorStatus.upsert({
      where: { connector_lineId: { connector, lineId } },
      create: { connector, lineId, ...fields },
      update: fields,
    });
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
