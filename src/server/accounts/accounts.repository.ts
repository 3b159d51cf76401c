import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';

/** A line that held an account before another line took it. */
export interface HolderRow {
  id: number;
  portalId: string;
  connector: string;
  lineId: string;
}

/** Which line holds which external account. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Gives the account to the line and resolves the other lines that held it (their account is
   * cleared in the same transaction, so two lines never hold it at once).
   */
  take(opts: { lineRef: number; account: string; now: Date }): Promise<HolderRow[]> {
    const { lineRef, account, now } = opts;
    return this.db.transaction(async (tx) => {
      await tx.line.update({ where: { id: lineRef }, data: { account, updatedAt: now } });
      const holders = await tx.line.findMany({
        where: { account, id: { not: lineRef } },
        select: { id: true, portalId: true, connector: true, lineId: true },
        orderBy: { id: 'asc' },
      });
      if (holders.length) {
        await tx.line.updateMany({
          where: { id: { in: holders.map((h) => h.id) } },
          data: { account: null, updatedAt: now },
        });
      }
      return holders;
    });
  }
}
