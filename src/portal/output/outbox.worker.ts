import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { PortalConfig } from '../config.js';
import type { OutboxCallSettledPayload } from '../events/events.js';
import { PortalEvents } from '../events/portal-events.js';
import { OlpHttpClient } from './olp-http.client.js';
import { classifyAnswer, type DeliveryOutcome } from './olp-reply.js';
import { OUTBOX_POLICY, type OutboxPolicy, retryDelayMs } from './outbox.policy.js';
import { type OutboxCallRow, OutboxRepository } from './outbox.repository.js';
import { OutputError } from './output.errors.js';
import { WakeableSleep } from '../../common/wakeable-sleep.js';

/**
 * Delivers the outbox: claims due calls (one per lane, oldest first), sends each, and records the
 * outcome: sent, failed for good, or retried later with exponential backoff. Runs its loop only in
 * a process with config.workers; any number of processes may share one database.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxWorker.name);
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private aborter = new AbortController();
  private readonly pause = new WakeableSleep();
  private lastPurgeMs: number | undefined;

  constructor(
    private readonly config: PortalConfig,
    private readonly repo: OutboxRepository,
    private readonly client: OlpHttpClient,
    private readonly clock: Clock,
    @Inject(OUTBOX_POLICY) private readonly policy: OutboxPolicy,
    @Optional() private readonly events?: PortalEvents,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.workers) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.aborter = new AbortController();
    this.loopDone = this.loop();
  }

  /** Stops claiming, cancels calls in flight (they go back to pending untouched) and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    this.aborter.abort();
    this.notify();
    await this.loopDone;
    await this.settle();
  }

  /** Something was queued or finished: look for due calls now rather than at the next poll. */
  notify(): void {
    this.pause.wake();
  }

  /** One pass: claims what is due and delivers it, resolving when every delivery is recorded. */
  async runOnce(): Promise<number> {
    const claimed = await this.dispatch();
    await this.settle();
    return claimed;
  }

  /** Deletes delivered calls past their retention; returns how many. */
  async purge(): Promise<number> {
    this.lastPurgeMs = this.clock.nowMs();
    return this.repo.deleteSentBefore(new Date(this.lastPurgeMs - this.policy.retainSentMs));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.dispatch();
        const sincePurge = this.clock.nowMs() - (this.lastPurgeMs ?? -Infinity);
        if (sincePurge >= this.policy.purgeIntervalMs) await this.purge();
      } catch (err) {
        this.logger.error(`outbox pass failed: ${describe(err)}`);
      }
      if (this.running && claimed === 0) await this.pause.sleep(this.policy.pollIntervalMs);
    }
  }

  private async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async dispatch(): Promise<number> {
    const capacity = this.policy.concurrency - this.inflight.size;
    if (capacity <= 0) return 0;
    const now = this.clock.now();
    const token = randomUUID();
    const calls = await this.repo.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + this.policy.leaseMs),
      token,
      limit: capacity,
    });
    for (const call of calls) {
      const delivery = this.deliver(call, token)
        .catch((err: unknown) => {
          // The claim stays until its lease runs out; then this or another process takes it again.
          this.logger.error(`recording outbox call ${call.id} failed: ${describe(err)}`);
        })
        .finally(() => {
          this.inflight.delete(delivery);
          this.notify();
        });
      this.inflight.add(delivery);
    }
    return calls.length;
  }

  private async deliver(call: OutboxCallRow, token: string): Promise<void> {
    const outcome = await this.attempt(call);
    const { id } = call;
    const label = `outbox call ${id} (${call.method} ${call.connector}/${String(call.line)})`;
    if (outcome === 'aborted') {
      await this.repo.release({ id, token, nextAttemptAt: this.clock.now() });
      return;
    }
    switch (outcome.kind) {
      case 'sent':
        if (await this.repo.markSent({ id, token, now: this.clock.now() })) {
          await this.settled(call, 'sent', null);
        }
        return;
      case 'failed': {
        const failure = { lastError: outcome.message, errorCode: outcome.code, httpStatus: outcome.status };
        const recorded = await this.repo.markFailed({ id, token, failure });
        this.logger.error(`${label} was refused for good: ${outcome.code}: ${outcome.message}`);
        if (recorded) await this.settled(call, 'failed', `${outcome.code}: ${outcome.message}`);
        return;
      }
      case 'retry': {
        const attempts = call.attempts + 1;
        const delay = retryDelayMs(this.policy, attempts, outcome.retryAfterMs);
        const failure = { lastError: outcome.message, errorCode: outcome.code, httpStatus: outcome.status };
        const nextAttemptAt = new Date(this.clock.nowMs() + delay);
        await this.repo.scheduleRetry({ id, token, nextAttemptAt, failure });
        this.logger.warn(`${label} attempt ${attempts} failed (${outcome.code}); next in ${delay} ms`);
        return;
      }
    }
  }

  /**
   * Tells the rooms upstream (replies track their messages' status by it). The call's outcome is
   * already stored; a listener that fails is logged, not retried.
   */
  private async settled(
    call: OutboxCallRow,
    state: OutboxCallSettledPayload['state'],
    error: string | null,
  ): Promise<void> {
    if (!this.events) return;
    const payload: OutboxCallSettledPayload = {
      outboxId: call.id,
      connector: call.connector,
      line: call.line,
      method: call.method,
      data: call.data,
      state,
      error,
    };
    await this.events.emit('OnOutboxCallSettled', payload).catch((err: unknown) => {
      this.logger.error(`a listener of outbox call ${call.id} failed: ${describe(err)}`);
    });
  }

  private async attempt(call: OutboxCallRow): Promise<DeliveryOutcome | 'aborted'> {
    let data: unknown;
    try {
      data = JSON.parse(call.data);
    } catch {
      data = undefined;
    }
    if (!Array.isArray(data)) {
      return { kind: 'failed', code: 'MALFORMED_CALL', message: 'the stored arguments are not a JSON list' };
    }
    try {
      const envelope = { command: call.method, connector: call.connector, line: call.line, data };
      return classifyAnswer(await this.client.post(envelope, { signal: this.aborter.signal }));
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      if (err.code === 'ABORTED') return 'aborted';
      if (err.code === 'PACKET_TOO_LARGE') return { kind: 'failed', code: err.code, message: err.message };
      return { kind: 'retry', code: err.code, message: err.message };
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
