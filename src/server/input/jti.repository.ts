import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';
import { isUniqueViolation } from '../storage/prisma-errors.js';

/** jti values seen per issuer, kept in the database so replays are refused across restarts and processes. */
@Injectable()
export class JtiRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Records (iss, jti) until `expiresAt`; resolves false when it is already recorded and not yet expired. */
  async remember(opts: { iss: string; jti: string; expiresAt: Date; now: Date }): Promise<boolean> {
    const { iss, jti } = opts;
    // An expired record (not purged yet) must not refuse a jti that is new within the window.
    await this.db.client.seenJti.deleteMany({ where: { iss, jti, expiresAt: { lte: opts.now } } });
    try {
      await this.db.client.seenJti.create({ data: { iss, jti, expiresAt: opts.expiresAt } });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async purgeExpired(opts: { now: Date }): Promise<number> {
    const { count } = await this.db.client.seenJti.deleteMany({ where: { expiresAt: { lte: opts.now } } });
    return count;
  }
}
