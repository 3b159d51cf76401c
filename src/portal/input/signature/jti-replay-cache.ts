import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { SeenJtiRepository } from './seen-jti.repository.js';

/** How often expired rows are swept, at most. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The replay cache of OLP/1 input. It lives in the database, not in memory, so it survives a
 * restart and is shared by every portal process of one database.
 */
@Injectable()
export class JtiReplayCache {
  private readonly logger = new Logger(JtiReplayCache.name);
  private nextPruneAt = 0;

  constructor(
    private readonly jtis: SeenJtiRepository,
    private readonly clock: Clock,
  ) {}

  /** Records (iss, jti) until expiresAt; resolves false when it was already seen in its window. */
  async remember(iss: string, jti: string, expiresAt: Date): Promise<boolean> {
    await this.pruneIfDue();
    if (await this.jtis.insert({ iss, jti, expiresAt })) return true;
    return this.jtis.reclaimExpired({ iss, jti, now: this.clock.now(), expiresAt });
  }

  private async pruneIfDue(): Promise<void> {
    const now = this.clock.nowMs();
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + PRUNE_EVERY_MS;
    const removed = await this.jtis.deleteExpired({ now: new Date(now) });
    if (removed > 0) this.logger.debug(`pruned ${removed} expired jti rows`);
  }
}
