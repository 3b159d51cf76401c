import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pingDatabase } from '../../common/health.js';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../../generated/portal-sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../generated/portal-postgresql/client.js';
import { PortalConfig } from '../config.js';
import { SqliteThreadExecutor } from './sqlite-thread-executor.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { PostgresBatchExecutor, type BatchExecutor } from './write-batcher.js';
import { migratePostgres, migrateSqlite, readMigrations, type Provider } from '../../common/migrator.js';

/**
 * Both generated clients have the same models and API; repositories are written against
 * this one type and run unchanged on either database.
 */
export type Db = SqliteClient;

/** How often the WAL is checkpointed on SQLite; a few hundred commits' worth of frames at most. */
const WAL_CHECKPOINT_EVERY_MS = 200;

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../prisma/portal/migrations');

export function providerOf(url: string): Provider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

/** Owns the Prisma client: picks the driver adapter by URL and applies migrations before use. */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  private readonly logger = new Logger(DatabaseService.name);
  readonly provider: Provider;
  private db?: Db;
  private writer?: SqliteThreadExecutor;
  private pgPool?: pg.Pool;
  private executor?: BatchExecutor;
  private checkpointer?: WalCheckpointer;

  constructor(private readonly config: PortalConfig) {
    this.provider = providerOf(config.databaseUrl);
  }

  get client(): Db {
    if (!this.db) throw new Error('database is not connected yet');
    return this.db;
  }

  /**
   * What WriteBatcher runs its group-committed hot-path writes on, without Prisma's query engine:
   * on SQLite a second connection on a thread of its own (SqliteThreadExecutor), on PostgreSQL a
   * small pool of its own.
   */
  get batchExecutor(): BatchExecutor {
    if (!this.executor) throw new Error('database is not connected yet');
    return this.executor;
  }

  /** Applies migrations and connects; called once by the storage module's factory. */
  async connect(): Promise<void> {
    const url = this.config.databaseUrl;
    const migrations = readMigrations(join(migrationsRoot, this.provider));
    if (this.provider === 'sqlite') {
      const file = url.slice('file:'.length);
      mkdirSync(dirname(resolve(file)), { recursive: true });
      const result = migrateSqlite(file, migrations);
      if (result.applied.length) this.logger.log(`applied migrations: ${result.applied.join(', ')}`);
      this.db = new SqliteClient({
        adapter: new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }),
      });
      // One connection per process: WAL lets readers of other processes proceed during writes.
      await this.db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await this.db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
      // Inbox keys land all over their unique index, so each commit rewrites many pages; fewer,
      // larger checkpoints (about 40 MB of WAL) and a bigger page cache keep that cheap.
      await this.db.$queryRawUnsafe('PRAGMA wal_autocheckpoint = 10000');
      await this.db.$executeRawUnsafe('PRAGMA cache_size = -65536');
      this.executor = this.writer = new SqliteThreadExecutor(file);
      this.checkpointer = new WalCheckpointer({
        file,
        everyMs: WAL_CHECKPOINT_EVERY_MS,
        onError: (message) => this.logger.warn(`WAL checkpoint failed: ${message}`),
      });
    } else {
      const result = await migratePostgres(url, migrations);
      if (result.applied.length) this.logger.log(`applied migrations: ${result.applied.join(', ')}`);
      const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
      this.db = client as unknown as Db;
      // WriteBatcher's batches in flight, and one more connection for a unit run alone.
      this.pgPool = new pg.Pool({ connectionString: url, max: PostgresBatchExecutor.PARALLELISM + 1 });
      // An idle connection that breaks (server restart) is dropped by the pool; unheard, the
      // pool's 'error' event would end the process.
      this.pgPool.on('error', (err) => this.logger.warn(`idle database connection lost: ${err.message}`));
      this.executor = new PostgresBatchExecutor(this.pgPool);
    }
    await this.db.$connect();
  }

  ping(): Promise<boolean> {
    return pingDatabase(this.client);
  }

  async onModuleDestroy(): Promise<void> {
    // Nest calls this once per provider token of this instance (two here), so it runs twice.
    const [writer, pool, checkpointer] = [this.writer, this.pgPool, this.checkpointer];
    this.writer = this.pgPool = this.checkpointer = this.executor = undefined;
    await checkpointer?.stop();
    await writer?.close();
    await pool?.end();
    await this.db?.$disconnect();
  }
}
