import { Injectable } from '@nestjs/common';
import { DatabaseService, type Tx } from '../storage/database.service.js';
import { claimDueLine, expireOrphanedClaims, type LineClaim } from '../storage/line-claims.js';

/** One item to append to a line's queue. */
export interface QueueInsert {
  command: string;
  chatId: string | null;
  messageId: string | null;
  /** JSON of the item as it will travel in `data`. */
  payload: string;
}

export interface QueuedItem extends QueueInsert {
  id: number;
  createdAt: Date;
}

export type TakeBatchResult =
  | { kind: 'batch'; items: QueuedItem[] }
  /** Nothing was queued; the line went idle. */
  | { kind: 'empty' }
  /** The claim was taken over (its lease ran out, or a confirmation released the line). */
  | { kind: 'lost' };

export interface DeadLetterRow {
  id: number;
  portalId: string;
  connector: string;
  lineId: string;
  command: string;
  chatId: string | null;
  messageId: string | null;
  payload: string;
  reason: string;
  queuedAt: Date;
  failedAt: Date;
}

export interface DeadLetterFilter {
  portalId?: string;
  connector?: string;
  lineId?: string;
  ids?: number[];
}

/**
 * Commands whose `data` is one object rather than a list of items: each travels alone in its
 * packet, and is confirmed by the portal's answer.
 */
export const SINGLE_ITEM_COMMANDS: ReadonlySet<string> = new Set(['deactivateConnector']);

interface LineIdentity {
  id: number;
  portalId: string;
  connector: string;
  lineId: string;
}

/**
 * The per-line FIFO to the portal and its state on the line record. State changes that depend on
 * what is queued run in a transaction that first writes the line row: that takes the row lock on
 * PostgreSQL (and the writer lock on SQLite), so an enqueue racing with "the line went idle"
 * always either is seen, or finds the line idle and wakes it.
 */
@Injectable()
export class QueueRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Appends items in order, then wakes the line if it was idle (after the insert is committed). */
  async enqueue(opts: { lineRef: number; items: QueueInsert[]; now: Date }): Promise<void> {
    if (!opts.items.length) return;
    await this.db.client.queueItem.createMany({ data: queueRows(opts) });
    await this.wake({ lineRef: opts.lineRef, now: opts.now });
  }

  /**
   * Appends items inside a caller's transaction (with the caller's own rows, atomically); the
   * caller must `wake` the line once that transaction is committed.
   */
  async appendIn(tx: Tx, opts: { lineRef: number; items: QueueInsert[]; now: Date }): Promise<void> {
    if (!opts.items.length) return;
    await tx.queueItem.createMany({ data: queueRows(opts) });
  }

  claimDue(opts: { now: Date; leaseUntil: Date; token: string; owner: string }): Promise<LineClaim | null> {
    return claimDueLine(this.db, 'queue', opts);
  }

  /**
   * Takes back the lines whose push was cut short by their owner's death (see
   * expireOrphanedClaims): they are due now, ready to push their batch again.
   */
  expireOrphanedClaims(opts: { now: Date; aliveSince: Date; self: string }): Promise<number> {
    return expireOrphanedClaims(this.db, 'queue', opts);
  }

  /**
   * Takes the batch at the head of the line: up to `limit` items of the first item's command,
   * at most `maxBytes` of payload (always at least one item). The line then awaits confirmation
   * until `deadline`.
   */
  takeBatch(opts: {
    claim: LineClaim;
    limit: number;
    maxBytes: number;
    deadline: Date;
    now: Date;
  }): Promise<TakeBatchResult> {
    const { claim, now } = opts;
    return this.db.transaction(async (tx): Promise<TakeBatchResult> => {
      const locked = await tx.line.updateMany({
        where: { id: claim.id, leaseToken: claim.token },
        data: { updatedAt: now },
      });
      if (!locked.count) return { kind: 'lost' };
      const head = await tx.queueItem.findMany({
        where: { lineRef: claim.id },
        orderBy: { id: 'asc' },
        take: opts.limit,
      });
      const first = head[0];
      if (!first) {
        await tx.line.update({ where: { id: claim.id }, data: idle() });
        return { kind: 'empty' };
      }
      const items: QueuedItem[] = [];
      let bytes = 0;
      for (const item of head) {
        bytes += Buffer.byteLength(item.payload);
        if (item.command !== first.command || (items.length && bytes > opts.maxBytes)) break;
        items.push(toItem(item));
        if (SINGLE_ITEM_COMMANDS.has(first.command)) break;
      }
      await tx.line.update({
        where: { id: claim.id },
        data: { phase: 'awaiting', sentLastId: items[items.length - 1].id, nextAttemptAt: opts.deadline },
      });
      return { kind: 'batch', items };
    });
  }

  /**
   * Deletes the sent receivingMessage items that the portal confirmed by (chat id, message id);
   * when no sent item is left the line is released. Resolves the number of items deleted.
   */
  confirmDelivered(opts: {
    lineRef: number;
    confirmed: { chatId: string; messageId: string }[];
    now: Date;
  }): Promise<number> {
    const keys = new Set(opts.confirmed.map((c) => pairKey(c.chatId, c.messageId)));
    return this.db.transaction(async (tx) => {
      const line = await lockLine(tx, opts.lineRef, opts.now);
      if (!line || line.sentLastId == null) return 0;
      const sent = await tx.queueItem.findMany({
        where: { lineRef: opts.lineRef, id: { lte: line.sentLastId }, command: 'receivingMessage' },
        select: { id: true, chatId: true, messageId: true },
      });
      const ids = sent.filter((i) => keys.has(pairKey(i.chatId, i.messageId))).map((i) => i.id);
      if (!ids.length) return 0;
      await tx.queueItem.deleteMany({ where: { id: { in: ids } } });
      await releaseIfDelivered(tx, opts.lineRef, line.sentLastId, opts.now);
      return ids.length;
    });
  }

  /**
   * Applies the portal's answer to a pushed batch: `confirmed` items are deleted (taken, and
   * needing no further confirmation), `rejected` ones go to dead letters; the line is released
   * when no sent item is left. Resolves whether it was. Either way the push is over, so the
   * claim's owner is dropped: a line waiting for setStatusDelivered is held by no process, and
   * is not taken back should this one die.
   */
  settleAnswer(opts: {
    claim: LineClaim;
    confirmed: number[];
    rejected: { id: number; reason: string }[];
    now: Date;
  }): Promise<boolean> {
    const { claim } = opts;
    return this.db.transaction(async (tx) => {
      const line = await lockLine(tx, claim.id, opts.now);
      if (!line || line.sentLastId == null) return false;
      await tx.line.updateMany({
        where: { id: claim.id, leaseToken: claim.token },
        data: { leaseOwner: null },
      });
      await tx.queueItem.deleteMany({ where: { id: { in: opts.confirmed }, lineRef: claim.id } });
      const reasons = new Map(opts.rejected.map((r) => [r.id, r.reason]));
      const rejected = await tx.queueItem.findMany({
        where: { id: { in: [...reasons.keys()] }, lineRef: claim.id },
      });
      for (const item of rejected) await moveToDeadLetters(tx, line, [item], reasons.get(item.id)!, opts.now);
      return releaseIfDelivered(tx, claim.id, line.sentLastId, opts.now);
    });
  }

  /** Blocks a line whose batch failed, until `until`; resolves false when the claim was stale. */
  async block(opts: { claim: LineClaim; attempt: number; until: Date; now: Date }): Promise<boolean> {
    const { count } = await this.db.client.line.updateMany({
      where: { id: opts.claim.id, leaseToken: opts.claim.token, phase: 'awaiting' },
      data: {
        phase: 'ready',
        attempt: opts.attempt,
        blockedUntil: opts.until,
        nextAttemptAt: opts.until,
        leaseToken: null,
        leaseOwner: null,
        updatedAt: opts.now,
      },
    });
    return count === 1;
  }

  /**
   * Moves every queued item of the line to dead letters and lifts the block (the schedule is
   * spent). Resolves the number moved, or null when the claim was stale.
   */
  deadLetterLine(opts: { claim: LineClaim; reason: string; now: Date }): Promise<number | null> {
    const { claim, now } = opts;
    return this.db.transaction(async (tx) => {
      const locked = await tx.line.updateMany({
        where: { id: claim.id, leaseToken: claim.token, phase: 'awaiting' },
        data: { updatedAt: now },
      });
      if (!locked.count) return null;
      const items = await tx.queueItem.findMany({ where: { lineRef: claim.id }, orderBy: { id: 'asc' } });
      await moveToDeadLetters(tx, claim, items, opts.reason, now);
      await settle(tx, claim.id, now);
      return items.length;
    });
  }

  /** Deletes a line record; whatever is still queued on it goes to dead letters first. */
  retireLine(opts: { lineRef: number; reason: string; now: Date }): Promise<number> {
    return this.db.transaction(async (tx) => {
      const line = await lockLine(tx, opts.lineRef, opts.now);
      if (!line) return 0;
      const items = await tx.queueItem.findMany({ where: { lineRef: line.id }, orderBy: { id: 'asc' } });
      await moveToDeadLetters(tx, line, items, opts.reason, opts.now);
      await tx.line.delete({ where: { id: line.id } });
      return items.length;
    });
  }

  /**
   * Retires a line whose portal must be told (deactivateConnector): what is still queued goes to
   * dead letters and the record is deleted with everything hanging off it (parameters, calls to
   * the channel, receipts), as retireLine does. In the same transaction a bare record of the same
   * key takes its place, under a fresh hash that no channel knows, holding only the notice: it
   * travels on the queue's schedule, survives restarts, and the record goes once the portal took
   * it (dropRetired). Resolves the number of items dead-lettered.
   */
  retireWithNotice(opts: {
    lineRef: number;
    reason: string;
    notice: QueueInsert;
    hash: string;
    now: Date;
  }): Promise<number> {
    const { now } = opts;
    return this.db.transaction(async (tx) => {
      const line = await lockLine(tx, opts.lineRef, now);
      if (!line) return 0;
      const items = await tx.queueItem.findMany({ where: { lineRef: line.id }, orderBy: { id: 'asc' } });
      await moveToDeadLetters(tx, line, items, opts.reason, now);
      await tx.line.delete({ where: { id: line.id } });
      const { id } = await tx.line.create({
        data: {
          portalId: line.portalId,
          connector: line.connector,
          lineId: line.lineId,
          hash: opts.hash,
          phase: 'ready',
          attempt: 0,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        },
        select: { id: true },
      });
      await tx.queueItem.create({ data: { ...opts.notice, lineRef: id, createdAt: now } });
      return items.length;
    });
  }

  /**
   * Deletes a record left by retireWithNotice once its notice is delivered: one with nothing
   * queued and no parameters. A line its portal configured again meanwhile (saveSettings) stays.
   */
  async dropRetired(opts: { lineRef: number }): Promise<boolean> {
    const { count } = await this.db.client.line.deleteMany({
      where: { id: opts.lineRef, params: { is: null }, queueItems: { none: {} } },
    });
    return count === 1;
  }

  listDeadLetters(opts: DeadLetterFilter & { limit: number }): Promise<DeadLetterRow[]> {
    return this.db.client.deadLetter.findMany({
      where: deadLetterWhere(opts),
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
  }

  /**
   * Puts dead letters back at the end of their line's queue, in their original order. Letters
   * whose line no longer exists stay where they are and are reported.
   */
  async replayDeadLetters(
    opts: DeadLetterFilter & { now: Date },
  ): Promise<{ replayed: number; lineless: { portalId: string; connector: string; lineId: string }[] }> {
    const letters = await this.db.client.deadLetter.findMany({
      where: deadLetterWhere(opts),
      orderBy: { id: 'asc' },
    });
    const groups = new Map<string, DeadLetterRow[]>();
    for (const letter of letters) {
      const key = JSON.stringify([letter.portalId, letter.connector, letter.lineId]);
      groups.set(key, [...(groups.get(key) ?? []), letter]);
    }
    let replayed = 0;
    const lineless: { portalId: string; connector: string; lineId: string }[] = [];
    for (const group of groups.values()) {
      const { portalId, connector, lineId } = group[0];
      const line = await this.db.client.line.findUnique({
        where: { portalId_connector_lineId: { portalId, connector, lineId } },
        select: { id: true },
      });
      if (!line) {
        lineless.push({ portalId, connector, lineId });
        continue;
      }
      await this.db.transaction(async (tx) => {
        await tx.queueItem.createMany({
          data: group.map((l) => ({
            lineRef: line.id,
            command: l.command,
            chatId: l.chatId,
            messageId: l.messageId,
            payload: l.payload,
            createdAt: l.queuedAt,
          })),
        });
        await tx.deadLetter.deleteMany({ where: { id: { in: group.map((l) => l.id) } } });
      });
      await this.wake({ lineRef: line.id, now: opts.now });
      replayed += group.length;
    }
    return { replayed, lineless };
  }

  async purgeDeadLetters(opts: { failedBefore: Date }): Promise<number> {
    const { count } = await this.db.client.deadLetter.deleteMany({
      where: { failedAt: { lt: opts.failedBefore } },
    });
    return count;
  }

  /**
   * An idle line becomes ready now; a line in any other phase already has its next step planned.
   * Runs after the items are committed, so a concurrent "went idle" either saw them or is undone.
   */
  async wake(opts: { lineRef: number; now: Date }): Promise<void> {
    await this.db.client.line.updateMany({
      where: { id: opts.lineRef, phase: 'idle' },
      data: { phase: 'ready', nextAttemptAt: opts.now, updatedAt: opts.now },
    });
  }
}

const queueRows = (opts: { lineRef: number; items: QueueInsert[]; now: Date }) =>
  opts.items.map((item) => ({ ...item, lineRef: opts.lineRef, createdAt: opts.now }));

const idle = () => ({
  phase: 'idle',
  nextAttemptAt: null,
  leaseToken: null,
  leaseOwner: null,
  attempt: 0,
  blockedUntil: null,
});

const pairKey = (chatId: string | null, messageId: string | null) => JSON.stringify([chatId, messageId]);

function toItem(row: QueuedItem & { lineRef: number }): QueuedItem {
  return {
    id: row.id,
    command: row.command,
    chatId: row.chatId,
    messageId: row.messageId,
    payload: row.payload,
    createdAt: row.createdAt,
  };
}

/** Writes the line row first, which locks it for the rest of the transaction. */
async function lockLine(tx: Tx, lineRef: number, now: Date) {
  const { count } = await tx.line.updateMany({ where: { id: lineRef }, data: { updatedAt: now } });
  if (!count) return null;
  return tx.line.findUniqueOrThrow({
    where: { id: lineRef },
    select: { id: true, portalId: true, connector: true, lineId: true, sentLastId: true },
  });
}

/** Once no sent item awaits confirmation: the block and attempt counter reset, and the next batch is due now. */
async function releaseIfDelivered(tx: Tx, lineRef: number, sentLastId: number, now: Date): Promise<boolean> {
  const pending = await tx.queueItem.count({ where: { lineRef, id: { lte: sentLastId } } });
  if (pending) return false;
  await settle(tx, lineRef, now);
  return true;
}

/** Resets the line: ready now when items are queued, idle otherwise. */
async function settle(tx: Tx, lineRef: number, now: Date): Promise<void> {
  const next = await tx.queueItem.findFirst({ where: { lineRef }, select: { id: true } });
  await tx.line.update({
    where: { id: lineRef },
    data: next ? { ...idle(), phase: 'ready', nextAttemptAt: now } : idle(),
  });
}

async function moveToDeadLetters(
  tx: Tx,
  line: LineIdentity,
  items: (QueuedItem & { lineRef: number })[],
  reason: string,
  now: Date,
): Promise<void> {
  if (!items.length) return;
  await tx.deadLetter.createMany({
    data: items.map((item) => ({
      portalId: line.portalId,
      connector: line.connector,
      lineId: line.lineId,
      command: item.command,
      chatId: item.chatId,
      messageId: item.messageId,
      payload: item.payload,
      reason,
      queuedAt: item.createdAt,
      failedAt: now,
    })),
  });
  await tx.queueItem.deleteMany({ where: { id: { in: items.map((i) => i.id) } } });
}

function deadLetterWhere(filter: DeadLetterFilter) {
  return {
    ...(filter.portalId !== undefined && { portalId: filter.portalId }),
    ...(filter.connector !== undefined && { connector: filter.connector }),
    ...(filter.lineId !== undefined && { lineId: filter.lineId }),
    ...(filter.ids !== undefined && { id: { in: filter.ids } }),
  };
}
