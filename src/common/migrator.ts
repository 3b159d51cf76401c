import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type Provider = 'sqlite' | 'postgresql';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

const TABLE = '_switchboard_migrations';
// Any constant works; it only has to be the same in every process of one schema.
const PG_LOCK_KEY = 727_401_555;

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

function checkKnown(m: Migration, known: Map<string, string>): boolean {
  const seen = known.get(m.name);
  if (seen === undefined) return false;
  if (seen !== m.checksum) {
    throw new Error(
      `migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`,
    );
  }
  return true;
}

/** Applies pending SQL migrations to SQLite, each in its own transaction, recording them. */
export function migrateSqlite(file: string, migrations: Migration[], now = new Date()): MigrationResult {
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const result: MigrationResult = { applied: [], skipped: [] };
    const apply = db.transaction((m: Migration) => {
      const rows = db.prepare(`SELECT name, checksum FROM ${TABLE}`).all() as {
        name: string;
        checksum: string;
      }[];
      if (checkKnown(m, new Map(rows.map((r) => [r.name, r.checksum])))) return false;
      db.exec(m.sql);
      db.prepare(`INSERT INTO ${TABLE} (name, checksum, applied_at) VALUES (?, ?, ?)`).run(
        m.name,
        m.checksum,
        now.toISOString(),
      );
      return true;
    });
    for (const m of migrations) (apply.immediate(m) ? result.applied : result.skipped).push(m.name);
    return result;
  } finally {
    db.close();
  }
}

/** Applies pending SQL migrations to PostgreSQL under an advisory lock, so concurrent starts are safe. */
export async function migratePostgres(
  url: string,
  migrations: Migration[],
  now = new Date(),
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${TABLE}`,
    );
    const known = new Map(rows.map((r) => [r.name, r.checksum]));
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const m of migrations) {
      if (checkKnown(m, known)) {
        result.skipped.push(m.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum, applied_at) VALUES ($1, $2, $3)`, [
          m.name,
          m.checksum,
          now,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
