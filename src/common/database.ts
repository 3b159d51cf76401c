import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { migratePostgres, migrateSqlite, readMigrations, type Provider } from './migrator.js';

export function providerOf(url: string): Provider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/** The part of a generated Prisma client that opening a database needs. */
export interface PrismaConnectable {
  $connect(): Promise<void>;
  $queryRawUnsafe(query: string): Promise<unknown>;
  $executeRawUnsafe(query: string): Promise<number>;
}

export interface OpenDatabaseOptions<C extends PrismaConnectable> {
  url: string;
  /** Holds one folder of SQL migrations per provider (`sqlite/`, `postgresql/`). */
  migrationsRoot: string;
  /** Builds the client generated for that provider; the caller gives both the same type. */
  sqliteClient: (adapter: PrismaBetterSqlite3) => C;
  postgresClient: (adapter: PrismaPg) => C;
  log: (message: string) => void;
}

/**
 * Applies pending migrations and connects a Prisma client through the driver adapter the URL
 * names (`file:` SQLite, otherwise PostgreSQL).
 */
export async function openDatabase<C extends PrismaConnectable>(opts: OpenDatabaseOptions<C>): Promise<C> {
  const provider = providerOf(opts.url);
  const migrations = readMigrations(join(opts.migrationsRoot, provider));
  let client: C;
  if (provider === 'sqlite') {
    const file = opts.url.slice('file:'.length);
    mkdirSync(dirname(resolve(file)), { recursive: true });
    const result = migrateSqlite(file, migrations);
    if (result.applied.length) opts.log(`applied migrations: ${result.applied.join(', ')}`);
    client = opts.sqliteClient(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }));
    // One connection per process: WAL lets readers of other processes proceed during writes.
    await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    await client.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  } else {
    const result = await migratePostgres(opts.url, migrations);
    if (result.applied.length) opts.log(`applied migrations: ${result.applied.join(', ')}`);
    client = opts.postgresClient(new PrismaPg({ connectionString: opts.url, max: 10 }));
  }
  await client.$connect();
  return client;
}

/**
 * Runs work one piece at a time, in call order. better-sqlite3 gives a process one connection,
 * and Prisma runs a statement issued outside an interactive transaction on that connection even
 * while one is open: the statement becomes part of the transaction, and is undone with it if it
 * rolls back. Passing every statement and every transaction of a SQLite client through one gate
 * keeps them apart.
 */
export class SerialGate {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
