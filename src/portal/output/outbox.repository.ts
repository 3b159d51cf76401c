import { Injectable } from '@nestjs/common';
import { Prisma, type OutboxCall } from '../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../storage/database.service.js';
import { WriteBatcher } from '../storage/write-batcher.js';

/**
 * pending: waiting for its turn or its next attempt; sending: claimed by one portal process;
 * sent: the server accepted it; failed: the server refused it for good (see errorCode).
 */
export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** One queued fire-and-forget call, as stored. */
export interface OutboxCallRow {
  id: number;
  connector: string;
  line: string | null;
  method: string;
  /** JSON of the positional argument list. */
  data: string;
  state: OutboxState;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** The server's error code, or UNREACHABLE / TIMEOUT / MALFORMED_REPLY, of the last failure. */
  errorCode: string | null;
  httpStatus: number | null;
  dedupeKey: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const toRow = (c: OutboxCall): OutboxCallRow => ({
  id: c.id,
  connector: c.connector,
  line: c.lineId,
  method: c.method,
  data: c.data,
  state: c.state as OutboxState,
  attempts: c.attempts,
  nextAttemptAt: c.nextAttemptAt,
  lastError: c.lastError,
  errorCode: c.errorCode,
  httpStatus: c.httpStatus,
  dedupeKey: c.dedupeKey,
  createdAt: c.createdAt,
  sentAt: c.sentAt,
});

/** The failure of one attempt, as recorded. */
export interface AttemptFailure {
  lastError: string;
  errorCode: string;
  httpStatus?: number;
}

/** Durable queue of fire-and-forget calls to the connector server (table outbox_calls). */
@Injectable()
export class OutboxRepository {
  constructor(
    private readonly database: DatabaseService,
    private readonly batcher: WriteBatcher,
  ) {}

  /**
   * Stores a call; with a dedupe key already present, returns the stored call's id instead.
   * Input confirms every packet through here, so the insert is group-committed with the other
   * Input writes; a repeated dedupe key inserts nothing instead of raising, which would fail the
   * whole batch.
   */
  async enqueue(opts: {
    connector: string;
    line: string | null;
    method: string;
    data: string;
    dedupeKey: string | null;
    now: Date;
  }): Promise<{ id: number; duplicate: boolean }> {
    const [inserted] = await this.batcher.write<[{ id: number | bigint }[]]>([
      Prisma.sql`
        INSERT INTO outbox_calls
          (connector, line_id, method, data, state, attempts, next_attempt_at, created_at, dedupe_key)
        VALUES (${opts.connector}, ${opts.line}, ${opts.method}, ${opts.data}, 'pending', 0, ${opts.now}, ${opts.now}, ${opts.dedupeKey})
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id`,
    ]);
    const created = inserted[0];
    if (created) return { id: Number(created.id), duplicate: false };
    // Only the dedupe key is unique besides the id, and a null key never conflicts.
    const existing = opts.dedupeKey === null ? undefined : await this.findByDedupeKey(opts.dedupeKey);
    if (!existing)
      throw new Error(`outbox call was neither inserted nor found (dedupe key ${opts.dedupeKey})`);
    return { id: existing.id, duplicate: true };
  }

  async findByDedupeKey(dedupeKey: string): Promise<OutboxCallRow | undefined> {
    const call = await this.database.client.outboxCall.findUnique({ where: { dedupeKey } });
    return call ? toRow(call) : undefined;
  }

  async findById(id: number): Promise<OutboxCallRow | undefined> {
    const call = await this.database.client.outboxCall.findUnique({ where: { id } });
    return call ? toRow(call) : undefined;
  }

  /**
   * Claims up to `limit` due calls, at most one per (connector, line) lane and only the lane's
   * oldest unfinished call, so each lane is delivered in order. A call is due when it is pending
   * and its next attempt has come, or when the process that claimed it let its lease run out.
   * Each claim is a conditional update: of several processes racing for a call, exactly one wins.
   */
  async claimDue(opts: {
    now: Date;
    leaseUntil: Date;
    token: string;
    limit: number;
  }): Promise<OutboxCallRow[]> {
    const db = this.database.client;
    const heads = await db.outboxCall.groupBy({
      by: ['connector', 'lineId'],
      where: { state: { in: ['pending', 'sending'] } },
      _min: { id: true },
    });
    const headIds = heads.map((h) => h._min.id).filter((id): id is number => id !== null);
    if (headIds.length === 0) return [];
    const due = {
      OR: [
        { state: 'pending', nextAttemptAt: { lte: opts.now } },
        { state: 'sending', claimedUntil: { lt: opts.now } },
      ],
    };
    const candidates = await db.outboxCall.findMany({
      where: { id: { in: headIds }, ...due },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      take: opts.limit,
    });
    const claimed: OutboxCallRow[] = [];
    for (const call of candidates) {
      const { count } = await db.outboxCall.updateMany({
        where: { id: call.id, ...due },
        data: { state: 'sending', claimToken: opts.token, claimedUntil: opts.leaseUntil },
      });
      if (count === 1) claimed.push({ ...toRow(call), state: 'sending' });
    }
    return claimed;
  }

  /** Records acceptance; false when this claim had been taken over meanwhile. */
  async markSent(opts: { id: number; token: string; now: Date }): Promise<boolean> {
    return this.finish(opts.id, opts.token, {
      state: 'sent',
      sentAt: opts.now,
      attempts: { increment: 1 },
    });
  }

  /** Records a refusal that no retry can fix. */
  async markFailed(opts: { id: number; token: string; failure: AttemptFailure }): Promise<boolean> {
    return this.finish(opts.id, opts.token, {
      state: 'failed',
      attempts: { increment: 1 },
      ...failureColumns(opts.failure),
    });
  }

  /** Records a failed attempt and when to try again. */
  async scheduleRetry(opts: {
    id: number;
    token: string;
    nextAttemptAt: Date;
    failure: AttemptFailure;
  }): Promise<boolean> {
    return this.finish(opts.id, opts.token, {
      state: 'pending',
      nextAttemptAt: opts.nextAttemptAt,
      attempts: { increment: 1 },
      ...failureColumns(opts.failure),
    });
  }

  /** Gives a claimed call back untouched (the attempt was cancelled, not made). */
  async release(opts: { id: number; token: string; nextAttemptAt: Date }): Promise<boolean> {
    return this.finish(opts.id, opts.token, { state: 'pending', nextAttemptAt: opts.nextAttemptAt });
  }

  /** Calls newest first, optionally filtered; page with `beforeId` (the last id of a page). */
  async list(
    opts: {
      state?: OutboxState;
      connector?: string;
      line?: string | null;
      beforeId?: number;
      limit?: number;
    } = {},
  ): Promise<OutboxCallRow[]> {
    const calls = await this.database.client.outboxCall.findMany({
      where: {
        state: opts.state,
        connector: opts.connector,
        lineId: opts.line,
        id: opts.beforeId === undefined ? undefined : { lt: opts.beforeId },
      },
      orderBy: { id: 'desc' },
      take: Math.min(Math.max(opts.limit ?? 100, 1), 1000),
    });
    return calls.map(toRow);
  }

  /** Deletes delivered calls sent before `before`; returns how many. */
  async deleteSentBefore(before: Date): Promise<number> {
    const { count } = await this.database.client.outboxCall.deleteMany({
      where: { state: 'sent', sentAt: { lt: before } },
    });
    return count;
  }

  /** How many calls are in each state. */
  async countByState(): Promise<Record<OutboxState, number>> {
    const groups = await this.database.client.outboxCall.groupBy({ by: ['state'], _count: { _all: true } });
    const counts: Record<OutboxState, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const g of groups) {
      if ((OUTBOX_STATES as readonly string[]).includes(g.state))
        counts[g.state as OutboxState] = g._count._all;
    }
    return counts;
  }

  private async finish(
    id: number,
    token: string,
    data: {
      state: OutboxState;
      sentAt?: Date;
      nextAttemptAt?: Date;
      attempts?: { increment: number };
      lastError?: string;
      errorCode?: string;
      httpStatus?: number | null;
    },
  ): Promise<boolean> {
    const { count } = await this.database.client.outboxCall.updateMany({
      where: { id, state: 'sending', claimToken: token },
      data: { ...data, claimToken: null, claimedUntil: null },
    });
    return count === 1;
  }
}

function failureColumns(f: AttemptFailure) {
  return { lastError: f.lastError.slice(0, 4000), errorCode: f.errorCode, httpStatus: f.httpStatus ?? null };
}
