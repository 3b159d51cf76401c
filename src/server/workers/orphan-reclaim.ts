import type { Logger } from '@nestjs/common';
import type { Clock } from '../../common/clock.js';
import type { ServerWorkerOwner } from '../storage/server-worker-owner.js';

/** A lane's repository call that makes the claims of dead owners due now (see expireOrphanedClaims). */
export type ExpireOrphanedClaims = (opts: { now: Date; aliveSince: Date; self: string }) => Promise<number>;

/**
 * Takes back a lane's lines claimed by processes that died, for the lane's worker: on its first
 * claim and once per poll interval after it. Registers this process's owner first: that is what
 * makes its predecessor's claims dead at once. Concurrent slots share the round in progress.
 */
export class OrphanReclaim {
  private lastMs = -Infinity;
  private running?: Promise<void>;

  constructor(
    private readonly deps: {
      owner: ServerWorkerOwner;
      clock: Clock;
      everyMs: number;
      expire: ExpireOrphanedClaims;
      logger: Logger;
      /** Names the lane in the log line. */
      lane: string;
    },
  ) {}

  /** Runs a round when one is due; claims wait for it, so the owner is registered before any. */
  async ifDue(): Promise<void> {
    if (this.deps.clock.nowMs() - this.lastMs < this.deps.everyMs) return;
    await (this.running ??= this.round().finally(() => (this.running = undefined)));
  }

  private async round(): Promise<void> {
    const { owner, clock, expire, logger, lane } = this.deps;
    await owner.start();
    const now = clock.now();
    const taken = await expire({ now, aliveSince: owner.aliveSince(now), self: owner.id });
    this.lastMs = now.getTime();
    if (taken > 0) logger.warn(`taking back ${taken} ${lane} lines claimed by processes that died`);
  }
}
