import { Injectable } from '@nestjs/common';
import { Prisma, type InboxMessage } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { WriteBatcher } from '../../storage/write-batcher.js';

/**
 * pending: waiting for its turn or its next attempt; processing: claimed by one portal process (its
 * owner) until next_attempt_at (the lease) or until the owner is found dead; done: processed and its
 * event fired; failed: gave up after the last attempt, kept with its error.
 */
export type InboxState = 'pending' | 'processing' | 'done' | 'failed';

/** One stored message, as stored. `attempts` counts claims and is the fencing token of a claim. */
export interface InboxRow {
  id: number;
  connector: string;
  line: string;
  chatId: string;
  messageId: string;
  typeMessage: string;
  /** JSON of the OLP message as validated on input. */
  payload: string;
  state: InboxState;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  processedAt: Date | null;
}

export interface NewInboxMessage {
  chatId: string;
  messageId: string;
  typeMessage: string;
  payload: string;
}

/** Either of the two unfinished states: a row in one of them holds back the later rows of its chat. */
const OPEN_STATES = ['pending', 'processing'] as const;

/** How many due rows findDueHeads reads per head it wants, to find heads past a chat's backlog. */
const HEAD_READ_AHEAD = 8;

/** Two-key advisory lock class for inbox writes on PostgreSQL (the migrator uses the one-key space). */
const PG_INBOX_LOCK_CLASS = 4_242;

const toRow = (m: InboxMessage): InboxRow => ({
  id: m.id,
  connector: m.connector,
  line: m.lineId,
  chatId: m.chatId,
  messageId: m.messageId,
  typeMessage: m.typeMessage,
  payload: m.payload,
  state: m.state as InboxState,
  attempts: m.attempts,
  nextAttemptAt: m.nextAttemptAt,
  lastError: m.lastError,
  createdAt: m.createdAt,
  processedAt: m.processedAt,
});

interface KeyedId {
  id: number | bigint;
  chatId: string;
  messageId: string;
  typeMessage: string;
}

const keyOf = (m: { chatId: string; messageId: string; typeMessage: string }) =>
  JSON.stringify([m.chatId, m.messageId, m.typeMessage]);

/** The durable inbox of received OLP messages (table inbox_messages). */
@Injectable()
export class InboxRepository {
  constructor(
    private readonly database: DatabaseService,
    private readonly batcher: WriteBatcher,
  ) {}

  /**
   * Stores the messages of one packet in one transaction, in packet order, skipping those already
   * stored (also a repeat within the packet). Resolves per message with its row id and whether it
   * was there before.
   */
  async storePacket(opts: {
    connector: string;
    line: string;
    messages: NewInboxMessage[];
    now: Date;
  }): Promise<{ id: number; duplicate: boolean }[]> {
    const { connector, line, now } = opts;
    // One multi-row INSERT … ON CONFLICT DO NOTHING (same SQL on SQLite and PostgreSQL) instead of
    // a statement per message: this is the hot path of Input (see `npm run bench`). The statement is
    // atomic by itself; rows it skipped are already stored (or repeated within the packet).
    const values = Prisma.join(
      opts.messages.map(
        (m) =>
          Prisma.sql`(${connector}, ${line}, ${m.chatId}, ${m.messageId}, ${m.typeMessage}, ${m.payload}, 'pending', 0, ${now}, ${now})`,
      ),
    );
    const insert = Prisma.sql`
      INSERT INTO inbox_messages
        (connector, line_id, chat_id, message_id, type_message, payload, state, attempts, next_attempt_at, created_at)
      VALUES ${values}
      ON CONFLICT (connector, line_id, chat_id, message_id, type_message) DO NOTHING
      RETURNING id, chat_id AS "chatId", message_id AS "messageId", type_message AS "typeMessage"`;
    // Group-committed with the other Input writes of concurrent requests (see WriteBatcher).
    const lockKey = JSON.stringify([connector, line]);
    const inserted =
      this.database.provider === 'postgresql'
        ? // Packets of one line are stored one after the other, so ids (the processing order of a
          // chat) follow commit order and a concurrent repeat waits for, then sees, the first copy.
          // SQLite needs nothing: it has one writer at a time.
          (
            await this.batcher.write<[unknown[], KeyedId[]]>(
              [
                // A void function in FROM: one row, nothing to read back.
                Prisma.sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(${PG_INBOX_LOCK_CLASS}::int4, hashtext(${lockKey}))`,
                insert,
              ],
              { lockKey },
            )
          )[1]
        : (await this.batcher.write<[KeyedId[]]>([insert]))[0];
    const db = this.database.client;
    const fresh = new Map(inserted.map((r) => [keyOf(r), Number(r.id)]));
    const missing = opts.messages.filter((m) => !fresh.has(keyOf(m)));
    const known =
      missing.length === 0
        ? new Map<string, number>()
        : new Map(
            (
              await db.inboxMessage.findMany({
                where: {
                  connector,
                  lineId: line,
                  OR: missing.map((m) => ({
                    chatId: m.chatId,
                    messageId: m.messageId,
                    typeMessage: m.typeMessage,
                  })),
                },
                select: { id: true, chatId: true, messageId: true, typeMessage: true },
              })
            ).map((m) => [keyOf(m), m.id]),
          );
    // The first occurrence of a key in the packet is the one inserted; later ones are repeats.
    const seen = new Set<string>();
    return opts.messages.map((m) => {
      const key = keyOf(m);
      const firstTime = !seen.has(key);
      seen.add(key);
      const id = fresh.get(key);
      if (id !== undefined && firstTime) return { id, duplicate: false };
      const existing = id ?? known.get(key);
      if (existing === undefined) throw new Error(`inbox row for ${key} was neither inserted nor found`);
      return { id: existing, duplicate: true };
    });
  }

  /**
   * Due rows that are the oldest unfinished row of their chat, oldest first: a pending row whose
   * time has come, or a processing row whose lease ran out (its process died). A later row of a
   * chat never comes before an earlier one that is still pending, retrying or processing.
   *
   * Fresh rows (never claimed) are due from the moment they are stored, so the first one of a chat
   * in id order is its head; only claimed rows (processing, or waiting for a retry) can hold a chat
   * back unseen, and the partial index inbox_messages_claimed_chat_idx covers exactly those.
   */
  async findDueHeads(opts: { now: Date; limit: number }): Promise<InboxRow[]> {
    // Several due rows of one chat may come before other chats' rows: read ahead, keep one per chat.
    const readAhead = Math.min(Math.max(opts.limit * HEAD_READ_AHEAD, 64), 1_000);
    const due = await this.database.client.$queryRaw<
      { id: number | bigint; connector: string; lineId: string; chatId: string }[]
    >`
      SELECT m.id, m.connector, m.line_id AS "lineId", m.chat_id AS "chatId" FROM inbox_messages m
      WHERE m.state IN ('pending', 'processing') AND (m.attempts = 0 OR m.next_attempt_at <= ${opts.now})
        AND NOT EXISTS (
          SELECT 1 FROM inbox_messages e
          WHERE e.connector = m.connector AND e.line_id = m.line_id AND e.chat_id = m.chat_id
            AND e.attempts > 0 AND e.state IN ('pending', 'processing') AND e.id < m.id)
      ORDER BY m.id
      LIMIT ${readAhead}`;
    const chats = new Set<string>();
    const heads: number[] = [];
    for (const row of due) {
      const chat = JSON.stringify([row.connector, row.lineId, row.chatId]);
      if (chats.has(chat)) continue;
      chats.add(chat);
      heads.push(Number(row.id));
      if (heads.length === opts.limit) break;
    }
    if (heads.length === 0) return [];
    const rows = await this.database.client.inboxMessage.findMany({
      where: { id: { in: heads } },
      orderBy: { id: 'asc' },
    });
    return rows.map(toRow);
  }

  /**
   * Claims a row found due, if nobody changed it since: state and attempts act as its version, so
   * of two processes only one wins. The claimed row carries the new attempt number (its token).
   */
  async claim(opts: { row: InboxRow; now: Date; leaseUntil: Date; owner: string }): Promise<InboxRow | null> {
    const { row } = opts;
    const attempts = row.attempts + 1;
    const { count } = await this.database.client.inboxMessage.updateMany({
      where: {
        id: row.id,
        state: { in: [...OPEN_STATES] },
        attempts: row.attempts,
        // A fresh row is due once stored (see findDueHeads), whatever another process's clock said.
        ...(row.attempts === 0 ? {} : { nextAttemptAt: { lte: opts.now } }),
      },
      data: { state: 'processing', attempts, nextAttemptAt: opts.leaseUntil, owner: opts.owner },
    });
    return count === 1 ? { ...row, state: 'processing', attempts, nextAttemptAt: opts.leaseUntil } : null;
  }

  /**
   * Ends at once the leases of processing rows whose owner is not alive: not in worker_owners, or
   * silent since before `aliveSince`. They become due and are claimed again as usual; attempts, the
   * fencing token, is left alone, so the old owner (should it still run) can record nothing. Rows
   * without an owner (claimed before owners existed) keep their lease. Returns how many.
   */
  async expireOrphanedClaims(opts: { now: Date; aliveSince: Date; self: string }): Promise<number> {
    return this.database.client.$executeRaw`
      UPDATE inbox_messages SET next_attempt_at = ${opts.now}
      WHERE state = 'processing' AND next_attempt_at > ${opts.now}
        AND owner IS NOT NULL AND owner <> ${opts.self}
        AND NOT EXISTS (
          SELECT 1 FROM worker_owners o WHERE o.id = inbox_messages.owner AND o.heartbeat_at >= ${opts.aliveSince})`;
  }

  /** Extends the lease of a claim still held; false when the claim was lost. */
  async renewLease(opts: { id: number; attempt: number; leaseUntil: Date }): Promise<boolean> {
    return this.updateClaimed(opts, { nextAttemptAt: opts.leaseUntil });
  }

  async markDone(opts: { id: number; attempt: number; now: Date }): Promise<boolean> {
    // next_attempt_at records the processing time too: deleteDoneBefore finds old rows by it.
    return this.updateClaimed(opts, { state: 'done', processedAt: opts.now, nextAttemptAt: opts.now });
  }

  async scheduleRetry(opts: {
    id: number;
    attempt: number;
    nextAttemptAt: Date;
    error: string;
  }): Promise<boolean> {
    return this.updateClaimed(opts, {
      state: 'pending',
      nextAttemptAt: opts.nextAttemptAt,
      lastError: opts.error,
    });
  }

  async markFailed(opts: { id: number; attempt: number; error: string }): Promise<boolean> {
    return this.updateClaimed(opts, { state: 'failed', lastError: opts.error });
  }

  /** Gives a claim back unfinished (shutdown), due at once; the attempt it used stays counted. */
  async release(opts: { id: number; attempt: number; now: Date }): Promise<boolean> {
    return this.updateClaimed(opts, { state: 'pending', nextAttemptAt: opts.now });
  }

  /**
   * Deletes rows processed before `before`; returns how many. markDone sets next_attempt_at to the
   * processing time, so the (state, next_attempt_at) index finds them.
   */
  async deleteDoneBefore(opts: { before: Date }): Promise<number> {
    const { count } = await this.database.client.inboxMessage.deleteMany({
      where: { state: 'done', nextAttemptAt: { lt: opts.before } },
    });
    return count;
  }

  /** How many rows are parked failed. */
  countFailed(): Promise<number> {
    return this.database.client.inboxMessage.count({ where: { state: 'failed' } });
  }

  /** Rows parked failed, newest first. */
  async listFailed(opts: { limit: number }): Promise<InboxRow[]> {
    const rows = await this.database.client.inboxMessage.findMany({
      where: { state: 'failed' },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
    return rows.map(toRow);
  }

  /**
   * Puts a failed row back to pending, due now, with its attempts counted from 0 again; false when
   * the row is not failed. No claim is held on a failed row, so restarting the claim tokens is safe:
   * a process whose lease ran out long ago could at worst mark done a row it did process.
   */
  async requeueFailed(opts: { id: number; now: Date }): Promise<boolean> {
    const { count } = await this.database.client.inboxMessage.updateMany({
      where: { id: opts.id, state: 'failed' },
      data: { state: 'pending', attempts: 0, nextAttemptAt: opts.now },
    });
    return count === 1;
  }

  async findById(id: number): Promise<InboxRow | undefined> {
    const row = await this.database.client.inboxMessage.findUnique({ where: { id } });
    return row ? toRow(row) : undefined;
  }

  private async updateClaimed(
    claim: { id: number; attempt: number },
    data: { state?: InboxState; nextAttemptAt?: Date; lastError?: string; processedAt?: Date },
  ): Promise<boolean> {
    const { count } = await this.database.client.inboxMessage.updateMany({
      where: { id: claim.id, state: 'processing', attempts: claim.attempt },
      data,
    });
    return count === 1;
  }
}
