import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Prisma } from '../../generated/portal-sqlite/client.js';
import { DatabaseService } from './database.service.js';

/** The rows each statement of a unit returns (an empty list for a statement without RETURNING). */
export type UnitRows = readonly (readonly unknown[])[];

/** Runs units of raw statements in ONE transaction and returns each unit's rows; throws when it rolled back. */
export interface BatchExecutor {
  /** How many batches may run at once (each in its own transaction). */
  readonly parallelism?: number;
  run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]>;
}

interface Unit {
  statements: readonly Prisma.Sql[];
  lockKey: string;
  resolve(rows: UnitRows): void;
  reject(err: unknown): void;
}

/**
 * PostgreSQL: each batch is one BEGIN … COMMIT on a connection of its own pool (DatabaseService.batchExecutor),
 * the statements sent as they are (Prisma.sql's `$1` form, `text`), without Prisma's query engine.
 */
export class PostgresBatchExecutor implements BatchExecutor {
  /**
   * Batches overlap on PostgreSQL: each commit waits for its WAL flush, and the next batch need not
   * wait for that. The pool must have a connection more than this for a unit run alone.
   */
  static readonly PARALLELISM = 3;
  readonly parallelism = PostgresBatchExecutor.PARALLELISM;

  constructor(private readonly pool: pg.Pool) {}

  async run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
    const client = await this.pool.connect();
    const dates = new DateTexts(postgresDate);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const rows: UnitRows[] = [];
      try {
        for (const statements of units) {
          const unitRows: unknown[][] = [];
          for (const s of statements) {
            const values = s.values.map((v) => (v instanceof Date ? dates.text(v) : v));
            unitRows.push((await client.query(s.text, values)).rows as unknown[]);
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
const postgresDate = (value: Date): string => value.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Date parameters as text, each distinct time formatted once per batch: a packet's rows all carry
 * the same `now`, and toISOString for each of its 100 dates took about 0.14 ms of the main
 * thread's ~2 ms per packet of 50 (micro-benchmark).
 */
export class DateTexts {
  private lastTime = NaN;
  private lastText = '';

  constructor(private readonly format: (value: Date) => string) {}

  text(value: Date): string {
    const time = value.getTime();
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastText = this.format(value);
    }
    return this.lastText;
  }
}

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
 * Batches in flight at once: as many as the executor allows (one on SQLite, which has one writer
 * anyway; a few on PostgreSQL). Batches grow with the load beyond that. A unit that takes a lock
 * (the inbox's per-line advisory lock) names it as `lockKey`, and each batch runs its units in
 * lock order (keeping the queue order of units with equal keys), so overlapping batches take
 * their locks in one order and cannot deadlock.
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
  private inFlight = 0;
  private readonly parallelism: number;

  constructor(
    private readonly executor: BatchExecutor,
    options: Partial<WriteBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.parallelism = Math.max(1, executor.parallelism ?? 1);
  }

  /** The batcher over the connected database's own writer connection(s). */
  static for(database: DatabaseService, options: Partial<WriteBatcherOptions> = {}): WriteBatcher {
    return new WriteBatcher(database.batchExecutor, options);
  }

  /**
   * Runs the statements in order, in one transaction, and resolves with each one's rows. The
   * rows are the driver's, typed by the caller as with $queryRaw<T>. `lockKey` names the lock the
   * statements take, if any (see the class comment).
   */
  write<T extends UnitRows>(
    statements: { readonly [K in keyof T]: Prisma.Sql },
    opts: { lockKey?: string } = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        statements,
        lockKey: opts.lockKey ?? '',
        resolve: resolve as (rows: UnitRows) => void,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.parallelism || this.queue.length === 0) return;
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
    // Stable: units of one lock keep their queue order.
    units.sort((a, b) => (a.lockKey < b.lockKey ? -1 : a.lockKey > b.lockKey ? 1 : 0));
    this.inFlight++;
    try {
      await this.runBatch(units);
    } finally {
      this.inFlight--;
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
