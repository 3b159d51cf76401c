import { Injectable } from '@nestjs/common';
import { Prisma, type OperatorEvent } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { OPERATOR_EVENTS_CHANNEL } from './operator-events.notifier.js';

/** Who an event is for: a line's operators, one operator, or (both null) everybody. */
export interface EventAudience {
  lineId: string | null;
  operatorId: number | null;
}

export interface NewOperatorEvent extends EventAudience {
  type: string;
  payload: unknown;
  /** A second append with the same key stores nothing (a retried writer). */
  dedupeKey?: string;
  at: Date;
}

/** An event as stored, payload parsed. */
export interface OperatorEventRow extends EventAudience {
  id: number;
  type: string;
  payload: unknown;
  createdAt: Date;
}

// Any constant: it only has to be the same in every portal process.
const APPEND_LOCK_KEY = 7_007_001;

const toRow = (e: OperatorEvent): OperatorEventRow => ({
  id: e.id,
  type: e.type,
  payload: JSON.parse(e.payload) as unknown,
  lineId: e.lineId,
  operatorId: e.operatorId,
  createdAt: e.createdAt,
});

/**
 * The append-only log of operator-facing events (table operator_events). Readers follow it by
 * id, so ids must become visible in increasing order: on PostgreSQL each append holds a
 * transaction-level advisory lock until it commits (a sequence alone hands out ids before the
 * commits, which may land in another order); SQLite has one writer anyway. On PostgreSQL each
 * append also NOTIFYs the processes that listen.
 */
@Injectable()
export class OperatorEventsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The new event's id, or null when an event with its dedupe key is already stored. */
  async append(event: NewOperatorEvent): Promise<number | null> {
    const client = this.db.client;
    const create = client.operatorEvent.create({
      data: {
        type: event.type,
        payload: JSON.stringify(event.payload),
        lineId: event.lineId,
        operatorId: event.operatorId,
        dedupeKey: event.dedupeKey ?? null,
        createdAt: event.at,
      },
      select: { id: true },
    });
    try {
      if (this.db.provider !== 'postgresql') return (await create).id;
      // The NOTIFY goes out at commit, when the row is visible (OperatorEventsNotifier).
      const [, row] = await client.$transaction([
        client.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`),
        create,
        client.$executeRawUnsafe(`SELECT pg_notify('${OPERATOR_EVENTS_CHANNEL}', '')`),
      ]);
      return row.id;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }

  /** Events with afterId < id <= upTo (when given), oldest first. */
  async after(opts: { afterId: number; upTo?: number; limit: number }): Promise<OperatorEventRow[]> {
    const rows = await this.db.client.operatorEvent.findMany({
      where: { id: { gt: opts.afterId, ...(opts.upTo !== undefined && { lte: opts.upTo }) } },
      orderBy: { id: 'asc' },
      take: opts.limit,
    });
    return rows.map(toRow);
  }

  /** The newest event's id, 0 when there is none. */
  async lastId(): Promise<number> {
    const row = await this.db.client.operatorEvent.findFirst({
      orderBy: { id: 'desc' },
      select: { id: true },
    });
    return row?.id ?? 0;
  }

  /** Deletes events created before `before`; returns how many. */
  async deleteBefore(before: Date): Promise<number> {
    const { count } = await this.db.client.operatorEvent.deleteMany({ where: { createdAt: { lt: before } } });
    return count;
  }
}
