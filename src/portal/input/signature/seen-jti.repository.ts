import { Injectable } from '@nestjs/common';
import { Prisma } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { WriteBatcher } from '../../storage/write-batcher.js';

/** The (issuer, jti) pairs seen on OLP input, kept for the replay window (table seen_jtis). */
@Injectable()
export class SeenJtiRepository {
  constructor(
    private readonly database: DatabaseService,
    private readonly batcher: WriteBatcher,
  ) {}

  /**
   * Records the pair; resolves false when it is already stored (the unique key decides, across
   * processes). Every verified packet passes here, so the insert is group-committed with the other
   * Input writes; a replay inserts nothing instead of raising, which would fail the whole batch.
   */
  async insert(opts: { iss: string; jti: string; expiresAt: Date }): Promise<boolean> {
    const [inserted] = await this.batcher.write<[{ jti: string }[]]>([
      Prisma.sql`
        INSERT INTO seen_jtis (iss, jti, expires_at) VALUES (${opts.iss}, ${opts.jti}, ${opts.expiresAt})
        ON CONFLICT (iss, jti) DO NOTHING
        RETURNING jti`,
    ]);
    return inserted.length === 1;
  }

  /** Takes over a stored pair whose window has passed but that was not pruned yet; false when it is live. */
  async reclaimExpired(opts: { iss: string; jti: string; now: Date; expiresAt: Date }): Promise<boolean> {
    const { count } = await this.database.client.seenJti.updateMany({
      where: { iss: opts.iss, jti: opts.jti, expiresAt: { lte: opts.now } },
      data: { expiresAt: opts.expiresAt },
    });
    return count === 1;
  }

  async deleteExpired(opts: { now: Date }): Promise<number> {
    const { count } = await this.database.client.seenJti.deleteMany({
      where: { expiresAt: { lte: opts.now } },
    });
    return count;
  }
}
