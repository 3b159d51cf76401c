import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The driver, resolved from here: an eval'd worker's own `require` would resolve from the
 * process's working directory, which need not be the project's.
 */
const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The worker's program (CommonJS, run with `eval`: no file to resolve, under tsc's output or
 * under the test runner's sources alike). Its own connection copies committed WAL frames into the
 * database file with PASSIVE checkpoints, which never wait for, nor block, readers and writers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message ? err.message : err) });
  }
}, workerData.everyMs);
parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Runs SQLite's WAL checkpoints on a worker thread instead of the writer's event loop.
 *
 * Left to SQLite, the connection whose commit pushes the WAL past wal_autocheckpoint pages copies
 * the WAL into the database file right there, synchronously: with the group-committed Input writes
 * on WriteBatcher's own connection, that stalled every request in flight (the p99 of the
 * benchmark). The writer turns automatic checkpoints off and this thread keeps the WAL short.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private exited = false;

  constructor(opts: { file: string; everyMs: number; onError: (message: string) => void }) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: DRIVER, file: opts.file, everyMs: opts.everyMs, busyTimeoutMs: 1_000 },
    });
    this.worker.on('message', (msg: { error?: string }) => {
      if (msg.error) opts.onError(msg.error);
    });
    this.worker.on('error', (err) => opts.onError(err.message));
    this.worker.on('exit', () => {
      this.exited = true;
    });
  }

  /** Stops the thread after its current checkpoint, closing its connection. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('stop');
    await exited;
  }
}
