import { Injectable } from '@nestjs/common';
import {
  Prisma,
  type RoutingDecision,
  type Session,
  type SessionHistory,
} from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { sessionsInScope, type LineScope } from '../replies/line-scope.js';

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

/** Ids per IN list, under SQLite's limit of bound parameters per statement. */
export const ID_SLICE = 500;

export type RoutingOutcome = 'assigned' | 'offered' | 'queued' | 'kept' | 'bot';

export interface LineOperatorRow {
  userId: number;
  /** Null when the operator never set a presence. */
  status: string | null;
  lastAssignedAt: Date | null;
  load: number;
}

interface RawOperatorRow {
  userId: number | bigint;
  status: string | null;
  lastAssignedAt: Date | string | number | null;
  load: number | bigint;
}

/** A timestamp as a raw query returns it: a Date, or on SQLite the stored text or epoch ms. */
function toDate(v: Date | string | number | null): Date | null {
  if (v === null) return null;
  return v instanceof Date ? v : new Date(v);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

@Injectable()
export class SessionsRepository {
  constructor(private readonly db: DatabaseService) {}

  findById(id: number): Promise<Session | null> {
    return this.db.client.session.findUnique({ where: { id } });
  }

  /** The session, if the scope sees it. */
  findInScope(opts: { id: number; scope: LineScope }): Promise<Session | null> {
    return this.db.client.session.findFirst({ where: { id: opts.id, ...sessionsInScope(opts.scope) } });
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

  /** Who wrote a message: a user id, or null for the customer and the portal itself. */
  async messageAuthor(messageId: number): Promise<number | null> {
    const m = await this.db.client.message.findUnique({
      where: { id: messageId },
      select: { authorId: true, direction: true },
    });
    return m?.direction === 'out' ? m.authorId : null;
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
    // In slices: SQLite limits the bound parameters of one statement.
    for (let i = 0; i < operatorIds.length; i += ID_SLICE) {
      const groups = await this.db.client.session.groupBy({
        by: ['operatorId'],
        where: { operatorId: { in: operatorIds.slice(i, i + ID_SLICE) }, status: { in: HELD_STATUSES } },
        _count: { _all: true },
      });
      for (const g of groups) if (g.operatorId !== null) loads.set(g.operatorId, g._count._all);
    }
    return loads;
  }

  /**
   * The line's operators in queue order with presence and held sessions, in one statement (a
   * line may have a thousand operators; routing reads this for every new chat).
   */
  async operatorsOfLine(lineId: number): Promise<LineOperatorRow[]> {
    const rows = await this.db.client.$queryRaw<RawOperatorRow[]>`
      SELECT lo.user_id AS "userId", lo.position AS "position", p.status AS "status",
             p.last_assigned_at AS "lastAssignedAt",
             (SELECT COUNT(*) FROM sessions s
               WHERE s.operator_id = lo.user_id AND s.status IN ('assigned', 'answered')) AS "load"
        FROM line_operators lo
        LEFT JOIN operator_presence p ON p.user_id = lo.user_id
       WHERE lo.line_id = ${lineId}
       ORDER BY lo.position, lo.user_id`;
    return rows.map((r) => ({
      userId: Number(r.userId),
      status: r.status,
      lastAssignedAt: toDate(r.lastAssignedAt),
      load: Number(r.load),
    }));
  }

  async addHistoryMany(rows: Omit<SessionHistory, 'id'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ID_SLICE) {
      await this.db.client.sessionHistory.createMany({ data: rows.slice(i, i + ID_SLICE) });
    }
  }

  async addDecisionMany(rows: Omit<RoutingDecision, 'id'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ID_SLICE) {
      await this.db.client.routingDecision.createMany({ data: rows.slice(i, i + ID_SLICE) });
    }
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

  /** Sessions the scope sees, filtered; newest first. */
  list(opts: {
    scope: LineScope;
    lineId?: number;
    operatorId?: number;
    statuses?: SessionStatus[];
    limit: number;
  }): Promise<Session[]> {
    return this.db.client.session.findMany({
      where: {
        ...sessionsInScope(opts.scope),
        ...(opts.lineId !== undefined && { lineId: opts.lineId }),
        ...(opts.operatorId !== undefined && { operatorId: opts.operatorId }),
        ...(opts.statuses && { status: { in: opts.statuses } }),
      },
      orderBy: { id: 'desc' },
      take: opts.limit,
    });
  }
}
