import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { Metrics } from '../../../common/metrics.js';
import { InboxRepository, type InboxRow } from './inbox.repository.js';
import { InboxWorker } from './inbox.worker.js';

export type ReplayOutcome = 'replayed' | 'unknown' | 'not_failed';

/**
 * The inbox rows parked failed, for admins: counted on GET /metrics
 * (`switchboard_inbox_failed_messages`), listed, and replayed (back to pending, processed by the
 * worker like a new row). The worker raises an admin alert when it parks one.
 */
@Injectable()
export class FailedInbox implements OnModuleInit {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly worker: InboxWorker,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge({
      name: 'switchboard_inbox_failed_messages',
      help: 'Received messages parked failed in the portal inbox (replay: POST /api/inbox/failed/:id/replay)',
      read: () => this.inbox.countFailed(),
    });
  }

  list(limit: number): Promise<InboxRow[]> {
    return this.inbox.listFailed({ limit });
  }

  async replay(id: number): Promise<ReplayOutcome> {
    if (await this.inbox.requeueFailed({ id, now: this.clock.now() })) {
      this.worker.nudge();
      return 'replayed';
    }
    return (await this.inbox.findById(id)) ? 'not_failed' : 'unknown';
  }
}
