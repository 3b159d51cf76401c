import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { OperatorEventsRepository } from './operator-events.repository.js';

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Deletes stored operator events past OPERATOR_EVENTS_RETAIN_HOURS, hourly, where workers run. */
@Injectable()
export class OperatorEventsPurger implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OperatorEventsPurger.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: PortalConfig,
    private readonly events: OperatorEventsRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workers) return;
    this.timer = setInterval(() => {
      this.purge().catch((err: unknown) => {
        this.logger.error(
          `purging operator events failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes what is older than the retention; returns how many events. */
  purge(): Promise<number> {
    return this.events.deleteBefore(new Date(this.clock.nowMs() - this.config.stream.retainMs));
  }
}
