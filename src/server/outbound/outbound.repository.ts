import { Injectable } from '@nestjs/common';
import { QueueRepository, type QueueInsert } from '../queue/queue.repository.js';
import { DatabaseService, type Tx } from '../storage/database.service.js';
import { claimDueLine, expireOrphanedClaims, type LineClaim } from '../storage/line-claims.js';
import { isUniqueViolation } from '../storage/prisma-errors.js';

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

/** Names one item of a sendMessage/updateMessage/deleteMessage call by the portal's ids. */
export interface ItemReceipt {
  chatId: string;
  messageId: string;
  /** SHA-256 of the item: a new edit of the message differs, the outbox's retry does not. */
  fingerprint: string;
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
    await this.db.transaction((tx) => insertCall(tx, opts));
  }

  /**
   * Stores the items that have no receipt yet (or whose receipt names other content: a later edit)
   * as one call, with their receipts, atomically: a receipt never exists without its call.
   * Resolves how many items were stored; 0 stores nothing.
   */
  async storeItems(opts: {
    lineRef: number;
    method: string;
    items: { item: unknown; receipt: ItemReceipt }[];
    now: Date;
  }): Promise<number> {
    const attempt = () =>
      this.db.transaction(async (tx) => {
        const fresh: unknown[] = [];
        for (const { item, receipt } of opts.items) {
          const { fingerprint, ...ids } = receipt;
          const id = { lineRef: opts.lineRef, method: opts.method, ...ids };
          const seen = await tx.outboundReceipt.findUnique({
            where: { lineRef_method_chatId_messageId: id },
          });
          if (seen?.fingerprint === fingerprint) continue;
          await tx.outboundReceipt.upsert({
            where: { lineRef_method_chatId_messageId: id },
            create: { ...id, fingerprint, storedAt: opts.now },
            update: { fingerprint, storedAt: opts.now },
          });
          fresh.push(item);
        }
        if (fresh.length) await insertCall(tx, { ...opts, items: JSON.stringify(fresh) });
        return fresh.length;
      });
    try {
      return await attempt();
    } catch (err) {
      // The same call arrived twice at once (PostgreSQL): the other request stored it; a second
      // look finds its receipts.
      if (!isUniqueViolation(err)) throw err;
      return attempt();
    }
  }

  /** Forgets receipts older than `before` (the portal's outbox has long stopped retrying). */
  async purgeReceiptsBefore(opts: { before: Date }): Promise<number> {
    const { count } = await this.db.client.outboundReceipt.deleteMany({
      where: { storedAt: { lt: opts.before } },
    });
    return count;
  }

  claimDue(opts: { now: Date; leaseUntil: Date; token: string; owner: string }): Promise<LineClaim | null> {
    return claimDueLine(this.db, 'outbound', opts);
  }

  /** Takes back the lines whose claim names a dead owner (see expireOrphanedClaims). */
  expireOrphanedClaims(opts: { now: Date; aliveSince: Date; self: string }): Promise<number> {
    return expireOrphanedClaims(this.db, 'outbound', opts);
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
    /** Receipts of items the channel refused: the portal may send them again, as the same ids. */
    forget?: { method: string; chatId: string; messageId: string }[];
    now: Date;
  }): Promise<boolean> {
    const { claim, now } = opts;
    const done = await this.db.transaction(async (tx) => {
      if (!(await lockLane(tx, claim, now))) return false;
      await tx.outboundCall.update({ where: { id: opts.callId }, data: { doneItems: opts.doneItems } });
      for (const receipt of opts.forget ?? []) {
        await tx.outboundReceipt.deleteMany({ where: { lineRef: claim.id, ...receipt } });
      }
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
      await tx.line.update({
        where: { id: claim.id },
        data: { outNextAt: opts.at, outLeaseToken: null, outOwner: null },
      });
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
        data: { outNextAt: next ? now : null, outLeaseToken: null, outOwner: null },
      });
      return true;
    });
  }
}

async function insertCall(
  tx: Tx,
  opts: { lineRef: number; method: string; items: string; now: Date },
): Promise<void> {
  await tx.outboundCall.create({
    data: {
      lineRef: opts.lineRef,
      method: opts.method,
      items: opts.items,
      doneItems: 0,
      attempts: 0,
      createdAt: opts.now,
    },
  });
  await tx.line.updateMany({
    where: { id: opts.lineRef, outNextAt: null },
    data: { outNextAt: opts.now, updatedAt: opts.now },
  });
}

/** Writes the line row under the claim's token first, which locks it for the transaction. */
async function lockLane(tx: Tx, claim: LineClaim, now: Date): Promise<boolean> {
  const { count } = await tx.line.updateMany({
    where: { id: claim.id, outLeaseToken: claim.token },
    data: { updatedAt: now },
  });
  return count === 1;
}
