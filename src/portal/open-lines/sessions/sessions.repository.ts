import { Injectable } from '@nestjs/common';
import {
  Prisma,
  type RoutingDecision,
  type Session,
  type SessionHistory,
} from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

export const SESSION_STATUSES = ['new', 'waiting', 'assigned', 'answered', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses in which a session counts against its operator's capacity. */
export const HELD_STATUSES: SessionStatus[] = ['assigned', 'answered'];

/** The columns a transition may change; id, version and the keys are not among them. */
export type SessionChange = Partial<
  Omit<Session, 'id' | 'chatId' | 'version' | 'createdAt' | 'updatedAt' | 'status'> & {
    status: SessionStatus;
  }
>;

export type NewSession = Omit<Session, 'id' | 'version' | 'updatedAt'>;

export type RoutingOutcome = 'assigned' | 'offered' | 'queued' | 'kept' | 'bot';

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly db: DatabaseService) {}

  findById(id: number): Promise<Session | null> {
    return this.db.client.session.findUnique({ where: { id } });
  }

  /** The chat's open session, on whatever line it is now (a transfer moves it). */
  findOpenByChat(chatId: number): Promise<Session | null> {
    return this.db.client.session.findFirst({ where: { chatId, status: { not: 'closed' } } });
  }

  findLastClosedOfChat(chatId: number): Promise<Session | null> {
    return this.db.client.session.findFirst({
      where: { chatId, status: 'closed' },
      orderBy: [{ closedAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Null when the chat already has an open session on that line (sessions_open_uq). */
  async create(row: NewSession): Promise<Session | null> {
    try {
      return await this.db.client.session.create({
        data: { ...row, version: 1, updatedAt: row.createdAt },
      });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /**
   * Applies a change only if the session is still at `version` (nobody changed it since it was
   * read), bumping the version. Returns whether it applied. A change that would open a second
   * session of the chat on one line also loses (sessions_open_uq).
   */
  async updateIfVersion(opts: {
    id: number;
    version: number;
    change: SessionChange;
    at: Date;
  }): Promise<boolean> {
    try {
      const { count } = await this.db.client.session.updateMany({
        where: { id: opts.id, version: opts.version },
        data: { ...opts.change, version: opts.version + 1, updatedAt: opts.at },
      });
      return count > 0;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async addHistory(row: Omit<SessionHistory, 'id'>): Promise<void> {
    await this.db.client.sessionHistory.create({ data: row });
  }

  async addDecision(row: Omit<RoutingDecision, 'id'>): Promise<void> {
    await this.db.client.routingDecision.create({ data: row });
  }

  listHistory(sessionId: number): Promise<SessionHistory[]> {
    return this.db.client.sessionHistory.findMany({ where: { sessionId }, orderBy: { id: 'asc' } });
  }

  listDecisions(sessionId: number): Promise<RoutingDecision[]> {
    return this.db.client.routingDecision.findMany({ where: { sessionId }, orderBy: { id: 'asc' } });
  }

  /** Open sessions held (assigned or answered) per operator, for those given. */
  async loads(operatorIds: number[]): Promise<Map<number, number>> {
    const loads = new Map<number, number>();
    if (operatorIds.length === 0) return loads;
    const groups = await this.db.client.session.groupBy({
      by: ['operatorId'],
      where: { operatorId: { in: operatorIds }, status: { in: HELD_STATUSES } },
      _count: { _all: true },
    });
    for (const g of groups) if (g.operatorId !== null) loads.set(g.operatorId, g._count._all);
    return loads;
  }

  countHeld(operatorId: number): Promise<number> {
    return this.db.client.session.count({ where: { operatorId, status: { in: HELD_STATUSES } } });
  }

  /** The line's queue, oldest first. */
  listWaiting(opts: { lineId: number; limit: number }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: { lineId: opts.lineId, status: 'waiting' },
      orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
      take: opts.limit,
    });
  }

  /** 1-based place of a waiting session in its line's queue. */
  async queuePosition(s: Pick<Session, 'id' | 'lineId' | 'queuedAt'>): Promise<number> {
    const queuedAt = s.queuedAt ?? new Date(0);
    const ahead = await this.db.client.session.count({
      where: {
        lineId: s.lineId,
        status: 'waiting',
        OR: [{ queuedAt: { lt: queuedAt } }, { queuedAt, id: { lt: s.id } }],
      },
    });
    return ahead + 1;
  }

  async linesWithWaiting(): Promise<number[]> {
    const rows = await this.db.client.session.groupBy({ by: ['lineId'], where: { status: 'waiting' } });
    return rows.map((r) => r.lineId);
  }

  duePassOn(opts: { now: Date; limit: number }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: { passOnAt: { lte: opts.now }, status: 'assigned' },
      orderBy: { passOnAt: 'asc' },
      take: opts.limit,
    });
  }

  dueNoAnswer(opts: { now: Date; limit: number }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: { noAnswerAt: { lte: opts.now }, status: { not: 'closed' } },
      orderBy: { noAnswerAt: 'asc' },
      take: opts.limit,
    });
  }

  dueAutoClose(opts: { now: Date; limit: number }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: { autoCloseAt: { lte: opts.now }, status: { not: 'closed' } },
      orderBy: { autoCloseAt: 'asc' },
      take: opts.limit,
    });
  }

  /** Sessions given to the operator that they have not answered yet. */
  listAssignedTo(operatorId: number): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: { operatorId, status: 'assigned' },
      orderBy: { id: 'asc' },
    });
  }

  /** Open sessions, filtered; newest first. */
  list(opts: {
    lineIds?: number[];
    operatorId?: number;
    statuses?: SessionStatus[];
    limit: number;
  }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: {
        ...(opts.lineIds && { lineId: { in: opts.lineIds } }),
        ...(opts.operatorId !== undefined && { operatorId: opts.operatorId }),
        ...(opts.statuses && { status: { in: opts.statuses } }),
      },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
  }
}
