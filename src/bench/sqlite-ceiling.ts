import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Ceiling for Input's storage: raw better-sqlite3 inserts of inbox-like rows (WAL, synchronous NORMAL). */
export function sqliteInsertRate(dir: string, rows: number, perTransaction: number): number {
  const db = new Database(join(dir, `ceiling-${perTransaction}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, connector TEXT, line_id TEXT, chat_id TEXT,
    message_id TEXT, type_message TEXT, payload TEXT, state TEXT, attempts INTEGER, next_attempt_at TEXT,
    created_at TEXT, UNIQUE (connector, line_id, chat_id, message_id, type_message))`);
  const insert =
    db.prepare(`INSERT INTO inbox (connector, line_id, chat_id, message_id, type_message, payload, state,
    attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`);
  const payload = JSON.stringify({
    text: 'Hello :) message with some words in it',
    user: { id: 'u1', name: 'Customer' },
  });
  const batch = db.transaction((start: number) => {
    const now = new Date().toISOString();
    for (let i = start; i < start + perTransaction; i++) {
      insert.run('telegrambot', '1', `c${i % 200}`, `m${i}`, 'message', payload, now, now);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < rows; i += perTransaction) batch(i);
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return rows / seconds;
}
