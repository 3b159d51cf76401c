import { Injectable } from '@nestjs/common';
import {
  Prisma,
  type RoutingDecision,
  type Session,
  type SessionHistory,
} from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { SqliteWriteError } from '../../storage/sqlite-thread-executor.js';
import { WriteBatcher } from '../../storage/write-batcher.js';
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
  if (err instanceof Prisma.PrismaClientKnownRequestError) return err.code === 'P2002';
  if (err instanceof SqliteWriteError) return err.code === 'SQLITE_CONSTRAINT_UNIQUE';
  // pg's DatabaseError: SQLSTATE unique_violation.
  return err instanceof Error && (err as { code?: unknown }).code === '23505';
}

/** The column of each field a change may set (typed, so a new field cannot be forgotten). */
const CHANGE_COLUMNS: { [K in keyof Required<SessionChange>]: string } = {
  lineId: 'line_id',
  status: 'status',
  operatorId: 'operator_id',
  acceptedAt: 'accepted_at',
  tried: 'tried',
  botStage: 'bot_stage',
  queuedAt: 'queued_at',
  passOnAt: 'pass_on_at',
  noAnswerAt: 'no_answer_at',
  autoCloseAt: 'auto_close_at',
  noAnswerSent: 'no_answer_sent',
  lastCustomerAt: 'last_customer_at',
  answeredAt: 'answered_at',
  closedAt: 'closed_at',
  closeReason: 'close_reason',
  ratingAsked: 'rating_asked',
  rating: 'rating',
};

/** The most sessions an operator may hold (assigned or answered), checked as a change gives them one. */
export interface Capacity {
  operatorId: number;
  max: number;
}

/** What a history row records of a change; the session and time come from the change. */
export type HistoryEntry = Pick<SessionHistory, 'status' | 'operatorId' | 'actorId' | 'note'>;

/** Why a change did not apply: the session changed since it was read, or the operator is full. */
export type ChangeOutcome = 'applied' | 'stale' | 'full';

/** Advisory lock class of an operator's capacity on PostgreSQL (the operator id is the second key). */
const CAPACITY_LOCK_CLASS = 7311;

@Injectable()
export class SessionsRepository {
  constructor(
    private readonly db: DatabaseService,
    private readonly batcher: WriteBatcher,
  ) {}

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

  /**
   * Opens a session with its first history row, in one transaction; null when the chat already
   * has an open session on that line (sessions_open_uq), and then nothing is written.
   */
  async create(row: NewSession, note: string): Promise<Session | null> {
    const { chatId, createdAt, ...rest } = row;
    const columns = [
      'chat_id',
      'created_at',
      'version',
      'updated_at',
      ...Object.keys(rest).map((k) => CHANGE_COLUMNS[k as keyof SessionChange]),
    ];
    const values = [chatId, createdAt, 1, createdAt, ...Object.values(rest)];
    const insert = Prisma.sql`INSERT INTO sessions (${Prisma.raw(columns.join(', '))})
      VALUES (${Prisma.join(values)}) ON CONFLICT DO NOTHING`;
    const history = (id: Prisma.Sql, created: Prisma.Sql) => Prisma.sql`
      INSERT INTO session_history (session_id, status, operator_id, actor_id, note, created_at)
      SELECT ${id}, ${row.status}, NULL, NULL, ${note}, ${created}`;
    const statements: readonly [Prisma.Sql, ...Prisma.Sql[]] =
      this.db.provider === 'postgresql'
        ? [
            Prisma.sql`WITH s AS (${insert} RETURNING id, created_at)
              ${history(Prisma.sql`s.id`, Prisma.sql`s.created_at`)} FROM s RETURNING session_id AS id`,
          ]
        : [
            Prisma.sql`${insert} RETURNING id`,
            // changes() and last_insert_rowid() are those of the sessions insert just before.
            Prisma.sql`${history(Prisma.sql`last_insert_rowid()`, Prisma.sql`${createdAt}`)} WHERE changes() = 1`,
          ];
    const [inserted] = (await this.batcher.write(statements)) as [{ id: number | bigint }[]];
    return inserted.length === 1 ? this.findById(Number(inserted[0].id)) : null;
  }

  /**
   * Applies a change only if the session is still at `version` (nobody changed it since it was
   * read), bumping the version, and writes its history row (when given) in the same transaction.
   * With `capacity`, the change applies only while the operator holds fewer than `max` other
   * sessions: the count is part of the UPDATE's condition, and on PostgreSQL a per-operator
   * advisory lock taken first in the transaction makes that count see every committed
   * assignment (under READ COMMITTED two statements would otherwise both see the old count);
   * SQLite runs one writer at a time. A change that would open a second session of the chat on
   * one line does not apply either (sessions_open_uq).
   */
  async updateIfVersion(opts: {
    id: number;
    version: number;
    change: SessionChange;
    at: Date;
    history?: HistoryEntry | null;
    capacity?: Capacity;
  }): Promise<ChangeOutcome> {
    const postgres = this.db.provider === 'postgresql';
    const sets = Object.entries(opts.change)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => Prisma.sql`${Prisma.raw(CHANGE_COLUMNS[k as keyof SessionChange])} = ${v}`);
    sets.push(Prisma.sql`version = ${opts.version + 1}`, Prisma.sql`updated_at = ${opts.at}`);
    const conditions = [Prisma.sql`id = ${opts.id}`, Prisma.sql`version = ${opts.version}`];
    if (opts.capacity) {
      conditions.push(Prisma.sql`(SELECT COUNT(*) FROM sessions h
         WHERE h.operator_id = ${opts.capacity.operatorId} AND h.status IN ('assigned', 'answered')
           AND h.id <> ${opts.id}) < ${opts.capacity.max}`);
    }
    const opens = opts.change.status !== undefined && opts.change.status !== 'closed';
    if (opens || opts.change.lineId !== undefined) {
      const lineId = opts.change.lineId ?? null;
      conditions.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM sessions o
         WHERE o.chat_id = sessions.chat_id AND o.id <> sessions.id AND o.status <> 'closed'
           AND o.line_id = COALESCE(${lineId}, sessions.line_id))`);
    }
    const update = Prisma.sql`UPDATE sessions SET ${Prisma.join(sets)} WHERE ${Prisma.join(conditions, ' AND ')}`;
    const statements: Prisma.Sql[] = [];
    if (postgres && opts.capacity) {
      statements.push(
        Prisma.sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CAPACITY_LOCK_CLASS}::int4, ${opts.capacity.operatorId}::int4)`,
      );
    }
    const h = opts.history;
    if (!h) {
      statements.push(Prisma.sql`${update} RETURNING id`);
    } else if (postgres) {
      // One statement: the history row exists exactly when the update applied.
      statements.push(Prisma.sql`WITH u AS (${update} RETURNING id)
        INSERT INTO session_history (session_id, status, operator_id, actor_id, note, created_at)
        SELECT u.id, ${h.status}, ${h.operatorId}::int, ${h.actorId}::int, ${h.note}, ${opts.at}::timestamp FROM u
        RETURNING session_id AS id`);
    } else {
      // changes() is the row count of the connection's previous statement: the update's.
      statements.push(
        Prisma.sql`${update} RETURNING id`,
        Prisma.sql`INSERT INTO session_history (session_id, status, operator_id, actor_id, note, created_at)
          SELECT ${opts.id}, ${h.status}, ${h.operatorId}, ${h.actorId}, ${h.note}, ${opts.at} WHERE changes() = 1`,
      );
    }
    // Read in the same transaction: tells a lost race (version moved) from a full operator.
    statements.push(Prisma.sql`SELECT version FROM sessions WHERE id = ${opts.id}`);
    let rows: readonly (readonly unknown[])[];
    try {
      rows = await this.batcher.write(statements, {
        lockKey: opts.capacity && postgres ? `capacity:${opts.capacity.operatorId}` : '',
      });
    } catch (err) {
      // Two processes opened the chat on one line at the same instant; the other one won.
      if (isUniqueViolation(err)) return 'stale';
      throw err;
    }
    const applied = rows[postgres && opts.capacity ? 1 : 0].length === 1;
    if (applied) return 'applied';
    const [current] = rows[rows.length - 1] as { version: number | bigint }[];
    return opts.capacity && current && Number(current.version) === opts.version ? 'full' : 'stale';
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

  async addDecisionMany(rows: Omit<RoutingDecision, 'id'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ID_SLICE) {
      await this.db.client.routingDecision.createMany({ data: rows.slice(i, i + ID_SLICE) });
    }
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
