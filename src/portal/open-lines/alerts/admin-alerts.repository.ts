import { Injectable } from '@nestjs/common';
import type { AdminAlert } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

/**
 * connector_deactivated: the account was connected to another portal or line; inbox_failed: a
 * received message was parked failed after its last attempt (replayable).
 */
export type AlertKind = 'connector_deactivated' | 'inbox_failed';

@Injectable()
export class AdminAlertsRepository {
  constructor(private readonly db: DatabaseService) {}

  record(opts: {
    kind: AlertKind;
    connector: string | null;
    lineId: number | null;
    message: string;
    at: Date;
  }): Promise<AdminAlert> {
    const { kind, connector, lineId, message, at } = opts;
    return this.db.client.adminAlert.create({ data: { kind, connector, lineId, message, createdAt: at } });
  }

  /** Newest first. */
  listRecent(opts: { limit: number }): Promise<AdminAlert[]> {
    return this.db.client.adminAlert.findMany({ orderBy: { id: 'desc' }, take: opts.limit });
  }

  /** Marks the unread alerts up to `upToId` read; resolves with how many it marked. */
  async markRead(opts: { upToId: number; at: Date }): Promise<number> {
    const { count } = await this.db.client.adminAlert.updateMany({
      where: { id: { lte: opts.upToId }, readAt: null },
      data: { readAt: opts.at },
    });
    return count;
  }
}
