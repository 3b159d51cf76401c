import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2002';

/** The (issuer, jti) pairs seen on OLP input, kept for the replay window (table seen_jtis). */
@Injectable()
export class SeenJtiRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Records the pair; resolves false when it is already stored (the unique key decides, across processes). */
  async insert(opts: { iss: string; jti: string; expiresAt: Date }): Promise<boolean> {
    try {
      await this.database.client.seenJti.create({ data: opts });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
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
