import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { ServerConfig } from '../config.js';
import { OutboundWorker } from '../outbound/outbound-worker.js';
import { QueueWorker } from '../queue/queue-worker.js';
import { Housekeeping } from './housekeeping.js';
import { Wakeup } from './wakeup.js';

const HOUSEKEEPING_EVERY_MS = 60_000;

/**
 * Runs the workers in this process when WORKERS is on: `queue.concurrency` independent slots
 * per lane, each claiming the next due line as soon as it is free, so one slow portal or channel
 * never holds up the others. Slots sleep for the poll interval when nothing is due, or until new
 * work is stored here; other processes' work is found by polling.
 */
@Injectable()
export class WorkerLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerLoop.name);
  private running = false;
  private slots: Promise<void>[] = [];

  constructor(
    private readonly config: ServerConfig,
    private readonly queue: QueueWorker,
    private readonly outbound: OutboundWorker,
    private readonly housekeeping: Housekeeping,
    private readonly wakeup: Wakeup,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workers) return;
    this.running = true;
    for (let i = 0; i < this.config.queue.concurrency; i++) {
      this.slots.push(this.slot('queue', () => this.queue.runOne()));
      this.slots.push(this.slot('outbound', () => this.outbound.runOne()));
    }
    let lastHousekeeping = -Infinity;
    this.slots.push(
      this.slot('housekeeping', async () => {
        if (this.clock.nowMs() - lastHousekeeping < HOUSEKEEPING_EVERY_MS) return null;
        lastHousekeeping = this.clock.nowMs();
        await this.housekeeping.run();
        return null;
      }),
    );
  }

  /** Stops the slots and waits for the steps in progress, before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wakeup.notify();
    await Promise.all(this.slots);
    this.slots = [];
  }

  /** `step` resolves null when it found nothing to do. */
  private async slot(name: string, step: () => Promise<unknown>): Promise<void> {
    while (this.running) {
      try {
        if ((await step()) === null) await this.wakeup.sleep(this.config.workerPollMs);
      } catch (err) {
        this.logger.error(
          `${name} worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        await this.wakeup.sleep(this.config.workerPollMs);
      }
    }
  }
}
