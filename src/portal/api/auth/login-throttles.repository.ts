import { Injectable } from '@nestjs/common';
import type { LoginThrottle } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

@Injectable()
export class LoginThrottlesRepository {
  constructor(private readonly db: DatabaseService) {}

  find(key: string): Promise<LoginThrottle | null> {
    return this.db.client.loginThrottle.findUnique({ where: { key } });
  }

  /** Drops the key's row when its last attempt is older than `before` and it blocks nothing now. */
  async forgetOlder(opts: { key: string; before: Date; now: Date }): Promise<void> {
    await this.db.client.loginThrottle.deleteMany({
      where: {
        key: opts.key,
        lastAttemptAt: { lt: opts.before },
        OR: [{ blockedUntil: null }, { blockedUntil: { lte: opts.now } }],
      },
    });
  }

  /** Counts one more attempt (atomically, so parallel attempts get distinct counts); the new count. */
  async count(opts: { key: string; at: Date }): Promise<number> {
    const row = await this.db.client.loginThrottle.upsert({
      where: { key: opts.key },
      create: { key: opts.key, attempts: 1, lastAttemptAt: opts.at },
      update: { attempts: { increment: 1 }, lastAttemptAt: opts.at },
    });
    return row.attempts;
  }

  /** Sets the block unless one is still running: false then (a parallel attempt took the slot). */
  async block(opts: { key: string; until: Date; now: Date }): Promise<boolean> {
    const { count } = await this.db.client.loginThrottle.updateMany({
      where: { key: opts.key, OR: [{ blockedUntil: null }, { blockedUntil: { lte: opts.now } }] },
      data: { blockedUntil: opts.until },
    });
    return count > 0;
  }

  /** Takes back one counted attempt (it was a successful sign-in). */
  async uncount(key: string): Promise<void> {
    await this.db.client.loginThrottle.updateMany({
      where: { key, attempts: { gt: 0 } },
      data: { attempts: { decrement: 1 } },
    });
  }

  async reset(key: string): Promise<void> {
    await this.db.client.loginThrottle.deleteMany({ where: { key } });
  }
}
