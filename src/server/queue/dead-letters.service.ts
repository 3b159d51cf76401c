import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { ServerConfig } from '../config.js';
import { Wakeup } from '../workers/wakeup.js';
import { QueueRepository, type DeadLetterFilter, type DeadLetterRow } from './queue.repository.js';

/** Items the portal did not take within the block schedule: listed, replayed, purged after the retention. */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly repo: QueueRepository,
    private readonly clock: Clock,
    private readonly config: ServerConfig,
    private readonly wakeup: Wakeup,
  ) {}

  list(filter: DeadLetterFilter, limit: number): Promise<DeadLetterRow[]> {
    return this.repo.listDeadLetters({ ...filter, limit });
  }

  /** Appends the matching letters to their lines' queues again, in their original order. */
  async replay(filter: DeadLetterFilter): ReturnType<QueueRepository['replayDeadLetters']> {
    const result = await this.repo.replayDeadLetters({ ...filter, now: this.clock.now() });
    if (result.replayed) this.wakeup.notify();
    return result;
  }

  purgeExpired(): Promise<number> {
    const failedBefore = new Date(this.clock.nowMs() - this.config.queue.deadLetterRetentionMs);
    return this.repo.purgeDeadLetters({ failedBefore });
  }
}
