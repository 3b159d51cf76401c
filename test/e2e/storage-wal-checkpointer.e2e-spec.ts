import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../src/portal/storage/wal-checkpointer.js';
import { tempDir } from '../support/database.js';

/** Rows of `t` as the database file alone holds them, without its WAL: what a checkpoint copied. */
function rowsInMainFile(dir: string, file: string): number {
  const copy = join(dir, `copy-${Date.now()}-${Math.random()}.db`);
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe(WalCheckpointer.name, () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  let writer: Database.Database;
  let checkpointer: WalCheckpointer | undefined;
  const errors: string[] = [];

  beforeEach(() => {
    dir = tempDir();
    file = join(dir.path, 'wal.db');
    writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    writer.pragma('wal_checkpoint(TRUNCATE)');
    errors.length = 0;
  });
  afterEach(async () => {
    await checkpointer?.stop();
    writer.close();
    dir.remove();
  });

  describe('constructor', () => {
    it('should copy committed WAL frames into the database file on its own thread', async () => {
      const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
      writer.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run(`row ${i}`);
      })();
      expect(rowsInMainFile(dir.path, file)).toBe(0);

      checkpointer = new WalCheckpointer({ file, everyMs: 10, onError: (m) => errors.push(m) });

      await eventually(() => rowsInMainFile(dir.path, file) === 100, 'the rows reach the database file');
      expect(errors).toEqual([]);
    });

    it('should let the writer go on while it runs, and the WAL be reused', async () => {
      checkpointer = new WalCheckpointer({ file, everyMs: 5, onError: (m) => errors.push(m) });
      const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
      for (let round = 0; round < 20; round++) {
        writer.transaction(() => {
          for (let i = 0; i < 50; i++) insert.run('x'.repeat(500));
        })();
        // The writer never waits for the thread; the test does, so that the WAL can be reused.
        await eventually(
          () => rowsInMainFile(dir.path, file) === (round + 1) * 50,
          'the round reaches the database file',
        );
      }

      // 1,000 rows of 500 bytes written as one WAL would take well over 500 kB of it.
      expect(statSync(`${file}-wal`).size).toBeLessThan(500_000);
      expect(errors).toEqual([]);
    });
  });

  describe('stop', () => {
    it('should end the thread and may be called again', async () => {
      checkpointer = new WalCheckpointer({ file, everyMs: 10, onError: (m) => errors.push(m) });
      await checkpointer.stop();
      await checkpointer.stop();
      expect(errors).toEqual([]);
    });
  });
});
