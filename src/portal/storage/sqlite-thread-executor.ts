import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Prisma } from '../../generated/portal-sqlite/client.js';
import { DateTexts, type BatchExecutor, type UnitRows } from './write-batcher.js';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/** Statements prepared once and kept, by SQL text (the inbox's multi-row INSERT has one text per row count). */
const MAX_PREPARED = 128;

/**
 * The thread's program (CommonJS, run with `eval`, as WalCheckpointer's). It owns the writer
 * connection: each message is one batch, run as BEGIN IMMEDIATE … COMMIT with statements prepared
 * once and kept; the answer carries each unit's rows, or the error that rolled the batch back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
// Checkpoints run on WalCheckpointer's thread, not inside this writer's commits.
db.pragma('wal_autocheckpoint = 0');
db.pragma('cache_size = -65536');
const prepared = new Map();
const statementFor = (text) => {
  let statement = prepared.get(text);
  if (statement) {
    prepared.delete(text); // Map order is insertion order: the most recently used goes last.
  } else {
    statement = db.prepare(text);
    if (prepared.size >= workerData.maxPrepared) prepared.delete(prepared.keys().next().value);
  }
  prepared.set(text, statement);
  return statement;
};
const execute = (s) => {
  const statement = statementFor(s.sql);
  if (statement.reader) return statement.all(...s.values);
  statement.run(...s.values);
  return [];
};
const batch = db.transaction((units) => units.map((statements) => statements.map(execute))).immediate;
parentPort.on('message', (msg) => {
  if (msg === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: msg.id, rows: batch(msg.units) });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: String(err && err.message ? err.message : err), code: err && err.code } });
  }
});
`;

/** How Prisma's SQLite adapter stores a DateTime (its default `iso8601` format), so Prisma reads our rows back. */
const sqliteDate = (value: Date): string => value.toISOString().replace('Z', '+00:00');

const sqliteValue = (value: unknown, dates: DateTexts): unknown => {
  if (value instanceof Date) return dates.text(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
};

interface Pending {
  resolve(rows: UnitRows[]): void;
  reject(err: Error): void;
}

/** An error raised by SQLite on the writer thread, with SQLite's code (`SQLITE_CONSTRAINT_UNIQUE`...). */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWriteError';
  }
}

/**
 * SQLite: the group-committed batches run on a worker thread with its own connection, so the
 * statements and the commit (the dearest part of Input: every index page a batch dirties is
 * written to the WAL) overlap with HTTP parsing and signature checks on the main thread instead of
 * stalling them. The thread runs one batch at a time; WriteBatcher sends one at a time anyway.
 *
 * The main thread's Prisma connection still writes too; SQLite's lock (with busy timeouts on both
 * connections) orders the two. No Prisma transaction of this process may stay open across an
 * await of a batch, or each would wait for the other; the portal has none.
 */
export class SqliteThreadExecutor implements BatchExecutor {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  constructor(file: string, opts: { busyTimeoutMs?: number } = {}) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: DRIVER,
        file,
        busyTimeoutMs: opts.busyTimeoutMs ?? 10_000,
        maxPrepared: MAX_PREPARED,
      },
    });
    this.worker.on(
      'message',
      (msg: { id: number; rows?: UnitRows[]; error?: { message: string; code?: string } }) => {
        const pending = this.pending.get(msg.id);
        if (!pending) return;
        this.pending.delete(msg.id);
        if (msg.error) pending.reject(new SqliteWriteError(msg.error.message, msg.error.code));
        else pending.resolve(msg.rows ?? []);
      },
    );
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', () => {
      this.exited = true;
      this.failAll(new Error('the SQLite writer thread has stopped'));
    });
  }

  run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
    if (this.exited) return Promise.reject(new Error('the SQLite writer thread has stopped'));
    const id = this.nextId++;
    const dates = new DateTexts(sqliteDate);
    return new Promise<UnitRows[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({
        id,
        units: units.map((statements) =>
          statements.map((s) => ({ sql: s.sql, values: s.values.map((v) => sqliteValue(v, dates)) })),
        ),
      });
    });
  }

  /** Closes the connection after the batches already sent. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('stop');
    await exited;
  }

  private failAll(err: Error): void {
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }
}
