import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pingDatabase } from '../../common/health.js';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { openDatabase, providerOf, SerialGate } from '../../common/database.js';
import type { Provider } from '../../common/migrator.js';
import { PrismaClient as SqliteClient } from '../../generated/server-sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../generated/server-postgresql/client.js';
import { ServerConfig } from '../config.js';

/**
 * Both generated clients have the same models and API; repositories are written against
 * this one type and run unchanged on either database.
 */
export type Db = SqliteClient;
/** The client as seen inside an interactive transaction. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
/** The client for single statements; transactions go through DatabaseService.transaction. */
export type DbClient = Omit<Db, '$transaction'>;

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../prisma/server/migrations');

/** Owns the server's Prisma client; migrations are applied when it connects. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly provider: Provider;
  private db?: Db;
  private gated?: DbClient;
  private readonly gate = new SerialGate();

  constructor(private readonly config: ServerConfig) {
    this.provider = providerOf(config.databaseUrl);
  }

  get client(): DbClient {
    if (!this.gated) throw new Error('database is not connected yet');
    return this.gated;
  }

  /**
   * Runs `work` in an interactive transaction. On SQLite nothing else of this process reaches
   * the database meanwhile (see SerialGate); PostgreSQL gives each transaction its own connection.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const db = this.db;
    if (!db) throw new Error('database is not connected yet');
    if (this.provider === 'postgresql') return db.$transaction(work);
    return this.gate.run(() => db.$transaction(work));
  }

  /** Called once by the storage module's factory. */
  async connect(): Promise<void> {
    this.db = await openDatabase<Db>({
      url: this.config.databaseUrl,
      migrationsRoot,
      sqliteClient: (adapter) => new SqliteClient({ adapter }),
      postgresClient: (adapter) => new PostgresClient({ adapter }) as unknown as Db,
      log: (message) => this.logger.log(message),
    });
    const gate = this.gate;
    this.gated =
      this.provider === 'postgresql'
        ? this.db
        : (this.db.$extends({
            query: { $allOperations: ({ args, query }) => gate.run(() => query(args)) },
          }) as unknown as Db);
  }

  ping(): Promise<boolean> {
    return pingDatabase(this.client);
  }

  /** After every onModuleDestroy, so the workers have stopped using the client. */
  async onApplicationShutdown(): Promise<void> {
    await this.db?.$disconnect();
    this.db = undefined;
    this.gated = undefined;
  }
}
