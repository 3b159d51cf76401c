import { Injectable } from '@nestjs/common';
import { QueueRepository, type QueueInsert } from '../queue/queue.repository.js';
import { DatabaseService, type Tx } from '../storage/database.service.js';
import { claimDueLine, type LineClaim } from '../storage/line-claims.js';

export interface OutboundCallRow {
  id: number;
  lineRef: number;
  method: string;
  /** JSON array of the call's items. */
  items: string;
  doneItems: number;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/**
 * Fire-and-forget calls from the portal, one FIFO per line served by one worker at a time
 * (the line's outbound lane, claimed through its own due index).
 */
@Injectable()
export class OutboundRepository {
  constructor(
    private readonly db: DatabaseService,
    private readonly queue: QueueRepository,
  ) {}

  /** Stores the call, then makes the line's lane due now unless it already has a next step planned. */
  async store(opts: { lineRef: number; method: string; items: string; now: Date }): Promise<void> {
    await this.db.client.outboundCall.create({
      data: {
        lineRef: opts.lineRef,
        method: opts.method,
        items: opts.items,
        doneItems: 0,
        attempts: 0,
        createdAt: opts.now,
      },
    });
    await this.db.client.line.updateMany({
      where: { id: opts.lineRef, outNextAt: null },
      data: { outNextAt: opts.now, updatedAt: opts.now },
    });
  }

  claimDue(opts: { now: Date; leaseUntil: Date; token: string }): Promise<LineClaim | null> {
    return claimDueLine(this.db, 'outbound', opts);
  }

  head(opts: { lineRef: number }): Promise<OutboundCallRow | null> {
    return this.db.client.outboundCall.findFirst({
      where: { lineRef: opts.lineRef },
      orderBy: { id: 'asc' },
    });
  }

  /**
   * Records that the call's first `doneItems` items are handled and queues their reports for the
   * portal, atomically. Resolves false when the claim was taken over (nothing written).
   */
  async recordProgress(opts: {
    claim: LineClaim;
    callId: number;
    doneItems: number;
    reports: QueueInsert[];
    now: Date;
  }): Promise<boolean> {
    const { claim, now } = opts;
    const done = await this.db.transaction(async (tx) => {
      if (!(await lockLane(tx, claim, now))) return false;
      await tx.outboundCall.update({ where: { id: opts.callId }, data: { doneItems: opts.doneItems } });
      await this.queue.appendIn(tx, { lineRef: claim.id, items: opts.reports, now });
      return true;
    });
    if (done && opts.reports.length) await this.queue.wake({ lineRef: claim.id, now });
    return done;
  }

  /** Plans the next try of the call at the head; resolves false when the claim was taken over. */
  retryLater(opts: {
    claim: LineClaim;
    callId: number;
    attempts: number;
    lastError: string;
    at: Date;
    now: Date;
  }): Promise<boolean> {
    const { claim, now } = opts;
    return this.db.transaction(async (tx) => {
      if (!(await lockLane(tx, claim, now))) return false;
      await tx.outboundCall.update({
        where: { id: opts.callId },
        data: { attempts: opts.attempts, lastError: opts.lastError },
      });
      await tx.line.update({ where: { id: claim.id }, data: { outNextAt: opts.at, outLeaseToken: null } });
      return true;
    });
  }

  /** Deletes the finished call (if any) and makes the lane due now if more calls wait, idle otherwise. */
  finish(opts: { claim: LineClaim; callId: number | null; now: Date }): Promise<boolean> {
    const { claim, now } = opts;
    return this.db.transaction(async (tx) => {
      if (!(await lockLane(tx, claim, now))) return false;
      if (opts.callId !== null) await tx.outboundCall.delete({ where: { id: opts.callId } });
      const next = await tx.outboundCall.findFirst({ where: { lineRef: claim.id }, select: { id: true } });
      await tx.line.update({
        where: { id: claim.id },
        data: { outNextAt: next ? now : null, outLeaseToken: null },
      });
      return true;
    });
  }
}

/** Writes the line row under the claim's token first, which locks it for the transaction. */
async function lockLane(tx: Tx, claim: LineClaim, now: Date): Promise<boolean> {
  const { count } = await tx.line.updateMany({
    where: { id: claim.id, outLeaseToken: claim.token },
    data: { updatedAt: now },
  });
  return count === 1;
}
