import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/portal-sqlite/client.js';
import { DatabaseService, type Db } from './database.service.js';

/** The lazy statements of one unit, typed by what each resolves with. */
export type Statements<T extends readonly unknown[]> = { [K in keyof T]: Prisma.PrismaPromise<T[K]> };

/**
 * Builds a unit's statements. Prisma statements are lazy (they run when awaited or handed to
 * $transaction), and a statement runs at most once, so the batcher calls this again when it has
 * to run the unit a second time.
 */
export type UnitBuilder<T extends readonly unknown[]> = (db: Db) => Statements<T>;

interface Unit {
  build: UnitBuilder<readonly unknown[]>;
  resolve(results: readonly unknown[]): void;
  reject(err: unknown): void;
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
 * would each pay it. Instead, `write` queues a unit (one caller's statements, run in order and
 * atomically), and the units queued while the previous commit ran, or within the current turn of
 * the event loop, run together in one `$transaction([...])`; each caller gets its own results once
 * that transaction committed, so a caller that answers after `write` resolved still answers only
 * after its rows are durable.
 *
 * One batch is in flight at a time: batches grow with the load instead of competing for the
 * database (SQLite has one writer anyway; on PostgreSQL two batches of this process could take the
 * inbox's per-line advisory locks in opposite orders and deadlock).
 *
 * A unit's statements must not fail for expected reasons (write INSERT … ON CONFLICT DO NOTHING
 * RETURNING and read the empty result, not a unique violation): one failing statement rolls back
 * the whole batch. When a batch fails anyway, every unit of it is run again on its own, so only
 * the unit at fault fails, and the others are stored exactly once (the batch left nothing behind).
 */
@Injectable()
export class WriteBatcher {
  private readonly options: WriteBatcherOptions;
  private queue: Unit[] = [];
  private scheduled = false;
  private running = false;

  constructor(
    private readonly database: DatabaseService,
    options: Partial<WriteBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Runs the unit's statements in order, in one transaction, and resolves with their results. */
  write<T extends readonly unknown[]>(build: UnitBuilder<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        build,
        resolve: resolve as (results: readonly unknown[]) => void,
        reject,
      });
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
    if (units.length === 1) return this.runAlone(units[0]);
    const db = this.database.client;
    const built: { unit: Unit; statements: readonly Prisma.PrismaPromise<unknown>[] }[] = [];
    for (const unit of units) {
      try {
        built.push({ unit, statements: unit.build(db) });
      } catch (err) {
        unit.reject(err);
      }
    }
    let results: unknown[];
    try {
      results = await db.$transaction(built.flatMap((b) => b.statements));
    } catch {
      // Nothing of the batch was committed: give each unit its own transaction, in the same order.
      for (const { unit } of built) await this.runAlone(unit);
      return;
    }
    let at = 0;
    for (const { unit, statements } of built) {
      unit.resolve(results.slice(at, at + statements.length));
      at += statements.length;
    }
  }

  private async runAlone(unit: Unit): Promise<void> {
    try {
      const db = this.database.client;
      const statements = unit.build(db);
      // A single statement is atomic by itself and needs no BEGIN/COMMIT round trips.
      unit.resolve(statements.length === 1 ? [await statements[0]] : await db.$transaction([...statements]));
    } catch (err) {
      unit.reject(err);
    }
  }
}
