import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { Prisma } from '../../generated/portal-sqlite/client.js';
import { DatabaseService } from './database.service.js';

/** The rows each statement of a unit returns (an empty list for a statement without RETURNING). */
export type UnitRows = readonly (readonly unknown[])[];

/** Runs units of raw statements in ONE transaction and returns each unit's rows; throws when it rolled back. */
export interface BatchExecutor {
  run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]>;
}

interface Unit {
  statements: readonly Prisma.Sql[];
  resolve(rows: UnitRows): void;
  reject(err: unknown): void;
}

/** Statements prepared once and kept, by SQL text (the inbox's multi-row INSERT has one text per row count). */
const MAX_PREPARED = 128;

/** How Prisma's SQLite adapter stores a DateTime (its default `iso8601` format), so Prisma reads our rows back. */
const sqliteValue = (value: unknown): unknown => {
  if (value instanceof Date) return value.toISOString().replace('Z', '+00:00');
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
};

/**
 * SQLite: each batch is one synchronous BEGIN IMMEDIATE … COMMIT on DatabaseService.sqliteWriter,
 * with prepared statements reused. Being synchronous, nothing else of this process can run in the
 * middle of it. The connection waits (blocking, up to its busy timeout) while another connection
 * holds the write lock, so this process must not keep a Prisma transaction open across awaits on
 * SQLite while writing through here; the portal has none.
 */
export class SqliteBatchExecutor implements BatchExecutor {
  private readonly prepared = new Map<string, Database.Statement>();
  private readonly transaction: (units: readonly (readonly Prisma.Sql[])[]) => UnitRows[];

  constructor(private readonly db: Database.Database) {
    this.transaction = db.transaction((units: readonly (readonly Prisma.Sql[])[]) =>
      units.map((statements) => statements.map((s) => this.execute(s))),
    ).immediate;
  }

  run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
    try {
      return Promise.resolve(this.transaction(units));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private execute(sql: Prisma.Sql): unknown[] {
    const statement = this.statementFor(sql.sql);
    const values = sql.values.map(sqliteValue);
    if (statement.reader) return statement.all(...values);
    statement.run(...values);
    return [];
  }

  private statementFor(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (statement) {
      // Map order is insertion order: re-inserting keeps the most recently used last.
      this.prepared.delete(text);
    } else {
      statement = this.db.prepare(text);
      if (this.prepared.size >= MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
    }
    this.prepared.set(text, statement);
    return statement;
  }
}

/**
 * PostgreSQL: each batch is one BEGIN … COMMIT on a connection of DatabaseService.postgresWriter,
 * the statements sent as they are (Prisma.sql's `$1` form, `text`), without Prisma's query engine.
 */
export class PostgresBatchExecutor implements BatchExecutor {
  constructor(private readonly pool: pg.Pool) {}

  async run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const rows: UnitRows[] = [];
      try {
        for (const statements of units) {
          const unitRows: unknown[][] = [];
          for (const s of statements) {
            unitRows.push((await client.query(s.text, s.values.map(postgresValue))).rows as unknown[]);
          }
          rows.push(unitRows);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw err;
      }
      return rows;
    } finally {
      // A connection that could not even roll back is dropped rather than handed to the next batch.
      client.release(broken);
    }
  }
}

/**
 * How Prisma's PostgreSQL adapter sends a DateTime: the UTC wall time, which TIMESTAMP(3) columns
 * (without time zone) store as it is. pg's own conversion would send the process's local time.
 */
const postgresValue = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString().replace('T', ' ').replace('Z', '') : value;

export interface WriteBatcherOptions {
  /** Most units in one transaction; more wait for the next one. */
  maxUnits: number;
}

const DEFAULT_OPTIONS: WriteBatcherOptions = { maxUnits: 256 };

/**
 * Group commit for the hot write paths (OLP Input: jti, inbox rows, the confirmation call).
 *
 * Each commit costs far more than a small statement: on SQLite it writes every page the statement
 * dirtied to the WAL, on PostgreSQL it waits for the WAL flush. Requests handled concurrently
 * would each pay it. Instead, `write` queues a unit (one caller's raw statements, run in order and
 * atomically), and the units queued while the previous commit ran, or within the current turn of
 * the event loop, run together in one transaction; each caller gets its own rows once that
 * transaction committed, so a caller that answers after `write` resolved still answers only after
 * its rows are durable.
 *
 * One batch is in flight at a time: batches grow with the load instead of competing for the
 * database (SQLite has one writer anyway; on PostgreSQL two batches of this process could take the
 * inbox's per-line advisory locks in opposite orders and deadlock).
 *
 * A unit's statements must not fail for expected reasons (write INSERT … ON CONFLICT DO NOTHING
 * RETURNING and read the empty result, not a unique violation): one failing statement rolls back
 * the whole batch. When a batch fails anyway, every unit of it is run again on its own, so only
 * the unit at fault fails, and the others are stored exactly once (the batch left nothing behind).
 *
 * Statements are plain SQL (Prisma.sql), valid on both databases; there is no Prisma query engine
 * on this path, which is most of its speed (see the executors).
 */
@Injectable()
export class WriteBatcher {
  private readonly options: WriteBatcherOptions;
  private queue: Unit[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly executor: BatchExecutor,
    options: Partial<WriteBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** The batcher over the connected database's own writer connection(s). */
  static for(database: DatabaseService, options: Partial<WriteBatcherOptions> = {}): WriteBatcher {
    const sqlite = database.sqliteWriter;
    const postgres = database.postgresWriter;
    const executor = sqlite
      ? new SqliteBatchExecutor(sqlite)
      : postgres
        ? new PostgresBatchExecutor(postgres)
        : undefined;
    if (!executor) throw new Error('database is not connected yet');
    return new WriteBatcher(executor, options);
  }

  /**
   * Runs the statements in order, in one transaction, and resolves with each one's rows. The
   * rows are the driver's, typed by the caller as with $queryRaw<T>.
   */
  write<T extends UnitRows>(statements: { readonly [K in keyof T]: Prisma.Sql }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ statements, resolve: resolve as (rows: UnitRows) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: the requests whose bodies arrived in this same turn of the
    // event loop get to queue their units before the batch is cut.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const units = this.queue.splice(0, this.options.maxUnits);
    this.running = true;
    try {
      await this.runBatch(units);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async runBatch(units: Unit[]): Promise<void> {
    let rows: UnitRows[];
    try {
      rows = await this.executor.run(units.map((u) => u.statements));
    } catch (err) {
      if (units.length === 1) return units[0].reject(err);
      // Nothing of the batch was committed: give each unit its own transaction, in the same order.
      for (const unit of units) await this.runBatch([unit]);
      return;
    }
    units.forEach((unit, i) => unit.resolve(rows[i]));
  }
}
