import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { PortalConfig } from '../../config.js';
import { providerOf } from '../../storage/database.service.js';

/** The PostgreSQL channel on which each append announces itself (NOTIFY at commit). */
export const OPERATOR_EVENTS_CHANNEL = 'operator_events';

/**
 * On PostgreSQL, wakes this process's stream hub when any process appends an operator event:
 * one LISTEN connection, open while the hub has clients. Only a wake-up call: the hub still reads
 * the table, and keeps polling, so a lost connection only costs latency. No-op on SQLite.
 */
@Injectable()
export class OperatorEventsNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(OperatorEventsNotifier.name);
  private client: pg.Client | undefined;
  private readonly enabled: boolean;

  constructor(private readonly config: PortalConfig) {
    this.enabled = providerOf(config.databaseUrl) === 'postgresql';
  }

  /** Starts listening (once); `wake` runs at every notification. */
  async listen(wake: () => void): Promise<void> {
    if (!this.enabled || this.client) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    this.client = client;
    client.on('notification', () => wake());
    client.on('error', (err) => {
      this.logger.warn(`operator events LISTEN connection failed, polling only: ${err.message}`);
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OPERATOR_EVENTS_CHANNEL}`);
    } catch (err) {
      this.logger.warn(
        `operator events LISTEN not available, polling only: ${err instanceof Error ? err.message : String(err)}`,
      );
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }
}
