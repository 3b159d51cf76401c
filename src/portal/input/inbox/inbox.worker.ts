import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { AdminAlertsService } from '../../open-lines/alerts/admin-alerts.service.js';
import { parseRowId } from '../../open-lines/row-id.js';
import { PortalWorkerOwner } from '../../storage/portal-worker-owner.js';
import { InboxMessageProcessor } from './inbox-message.processor.js';
import { InboxRepository, type InboxRow } from './inbox.repository.js';
import { backoffDelayMs, INBOX_WORKER_OPTIONS, type InboxWorkerOptions } from './inbox-worker.options.js';

const MAX_ERROR_LENGTH = 4_000;

interface Running {
  row: InboxRow;
  done: Promise<void>;
  heartbeat: NodeJS.Timeout;
}

/** What became of one claimed row. */
export type InboxOutcome = 'done' | 'retry' | 'failed' | 'lost';

/**
 * Processes the inbox: claims due rows (the oldest unfinished row of each chat, so a chat keeps
 * its order), runs them through InboxMessageProcessor, and records the outcome. A failed attempt
 * is retried with exponential backoff until config.inboxMaxAttempts, then the row is kept as
 * failed. Claims are leases held by this process's owner (PortalWorkerOwner): rows of a process
 * that died are taken back as soon as its owner is found dead (at once by the next process of its
 * instance, else after the owner's liveness window), at the latest when the lease runs out; a
 * process shutting down hands its unfinished rows back. Several processes may share one
 * database; each row is claimed by one of them at a time.
 */
@Injectable()
export class InboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboxWorker.name);
  private readonly running = new Map<number, Running>();
  private started = false;
  private timer?: NodeJS.Timeout;
  private filling?: Promise<void>;
  private fillAgain = false;
  private lastPurgeMs = -Infinity;
  private lastReclaimMs = -Infinity;

  constructor(
    private readonly inbox: InboxRepository,
    private readonly processor: InboxMessageProcessor,
    private readonly clock: Clock,
    private readonly config: PortalConfig,
    private readonly alerts: AdminAlertsService,
    private readonly owner: PortalWorkerOwner,
    @Inject(INBOX_WORKER_OPTIONS) private readonly options: InboxWorkerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.workers) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Starts polling (only in processes that run workers: config.workers). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.nudge(), this.options.pollIntervalMs);
    this.timer.unref();
    this.nudge();
  }

  /** Looks for due rows now rather than at the next poll, e.g. right after a packet was stored. */
  nudge(): void {
    if (!this.started) return;
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = this.fill()
      .catch((err: unknown) => this.logger.error(`claiming inbox rows failed: ${describe(err)}`))
      .finally(() => {
        this.filling = undefined;
        if (this.fillAgain) {
          this.fillAgain = false;
          this.nudge();
        }
      });
  }

  /** Stops claiming; waits a grace period for running rows, then hands the rest back unfinished. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearInterval(this.timer);
    await this.filling;
    if (this.running.size === 0) return;
    const abort = new AbortController();
    const finished = await Promise.race([
      Promise.all([...this.running.values()].map((r) => r.done)).then(() => true),
      sleep(this.options.shutdownGraceMs, false, { signal: abort.signal }).catch(() => false),
    ]);
    abort.abort();
    if (finished) return;
    for (const { row, heartbeat } of this.running.values()) {
      clearInterval(heartbeat);
      const released = await this.inbox
        .release({ id: row.id, attempt: row.attempts, now: this.clock.now() })
        .catch((err: unknown) => {
          this.logger.error(`could not hand back inbox row ${row.id}: ${describe(err)}`);
          return false;
        });
      if (released) this.logger.warn(`inbox row ${row.id} did not finish before shutdown; handed back`);
    }
    this.running.clear();
  }

  /**
   * Processes every row that is due now, one round of claims after the other, and resolves when
   * none is left (rows waiting for a later attempt stay). For tests and tools; do not mix with start().
   */
  async runDue(): Promise<InboxOutcome[]> {
    await this.reclaim();
    const outcomes: InboxOutcome[] = [];
    for (;;) {
      const claimed = await this.claimDue(this.options.concurrency);
      if (claimed.length === 0) return outcomes;
      outcomes.push(...(await Promise.all(claimed.map((row) => this.runWithLease(row)))));
    }
  }

  /** Deletes processed rows past their retention (options.retainDoneMs); returns how many. */
  async purgeDone(): Promise<number> {
    this.lastPurgeMs = this.clock.nowMs();
    return this.inbox.deleteDoneBefore({ before: new Date(this.lastPurgeMs - this.options.retainDoneMs) });
  }

  /**
   * Makes the claims of dead owners due now (see InboxRepository.expireOrphanedClaims). Registers
   * this process's owner first: that is what makes the claims of its predecessor dead at once.
   */
  private async reclaim(): Promise<void> {
    await this.owner.start();
    const now = this.clock.now();
    this.lastReclaimMs = now.getTime();
    const taken = await this.inbox.expireOrphanedClaims({
      now,
      aliveSince: this.owner.aliveSince(now),
      self: this.owner.id,
    });
    if (taken > 0) this.logger.warn(`taking back ${taken} inbox rows claimed by processes that died`);
  }

  private async fill(): Promise<void> {
    // Not on every nudge (one per stored packet): once per poll interval is soon enough.
    if (this.clock.nowMs() - this.lastReclaimMs >= this.options.pollIntervalMs) await this.reclaim();
    if (this.clock.nowMs() - this.lastPurgeMs >= this.options.purgeIntervalMs) {
      const purged = await this.purgeDone();
      if (purged > 0) this.logger.debug(`deleted ${purged} processed inbox rows past their retention`);
    }
    while (this.started) {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) return;
      const claimed = await this.claimDue(free);
      for (const row of claimed) this.launch(row);
      if (claimed.length < free) return;
    }
  }

  private async claimDue(limit: number): Promise<InboxRow[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const claimed: InboxRow[] = [];
    for (const row of await this.inbox.findDueHeads({ now, limit })) {
      const mine = await this.inbox.claim({ row, now, leaseUntil, owner: this.owner.id });
      if (mine) claimed.push(mine);
    }
    return claimed;
  }

  private launch(row: InboxRow): void {
    const entry: Running = {
      row,
      heartbeat: this.keepLease(row),
      done: this.process(row).then(() => {
        clearInterval(entry.heartbeat);
        this.running.delete(row.id);
        this.nudge();
      }),
    };
    this.running.set(row.id, entry);
  }

  private async runWithLease(row: InboxRow): Promise<InboxOutcome> {
    const heartbeat = this.keepLease(row);
    try {
      return await this.process(row);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Renews the lease while the row runs, so a long download is not taken over by another process. */
  private keepLease(row: InboxRow): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        const leaseUntil = new Date(this.clock.nowMs() + this.options.leaseMs);
        this.inbox
          .renewLease({ id: row.id, attempt: row.attempts, leaseUntil })
          .then((held) => {
            if (!held) this.logger.warn(`inbox row ${row.id} lost its claim while running`);
          })
          .catch((err: unknown) =>
            this.logger.error(`renewing the claim of inbox row ${row.id} failed: ${describe(err)}`),
          );
      },
      Math.max(1, Math.floor(this.options.leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /** Never rejects: every outcome, including a failure to record it, ends in the row or the log. */
  private async process(row: InboxRow): Promise<InboxOutcome> {
    const claim = { id: row.id, attempt: row.attempts };
    try {
      await this.processor.process(row);
    } catch (err) {
      return this.recordFailure(row, describe(err));
    }
    try {
      if (await this.inbox.markDone({ ...claim, now: this.clock.now() })) return 'done';
      // Another process took the row over (our lease ran out); it will run it again, and
      // listeners are idempotent on inboxId.
      this.logger.warn(`inbox row ${row.id} was processed but its claim had been lost`);
      return 'lost';
    } catch (err) {
      // The row stays processing until its lease ends, then runs again.
      this.logger.error(`inbox row ${row.id} was processed but could not be marked done: ${describe(err)}`);
      return 'lost';
    }
  }

  private async recordFailure(row: InboxRow, error: string): Promise<InboxOutcome> {
    const claim = { id: row.id, attempt: row.attempts };
    const what = `inbox row ${row.id} (${row.connector} line ${row.line} chat ${row.chatId} message ${row.messageId} ${row.typeMessage})`;
    try {
      if (row.attempts >= this.config.inboxMaxAttempts) {
        if (!(await this.inbox.markFailed({ ...claim, error }))) return 'lost';
        this.logger.error(`${what} failed for good after ${row.attempts} attempts: ${error}`);
        await this.raiseAlert(row, `${what} failed after ${row.attempts} attempts and was parked: ${error}`);
        return 'failed';
      }
      const delay = backoffDelayMs(row.attempts, this.options);
      const nextAttemptAt = new Date(this.clock.nowMs() + delay);
      if (!(await this.inbox.scheduleRetry({ ...claim, nextAttemptAt, error }))) return 'lost';
      this.logger.warn(`${what} failed (attempt ${row.attempts}), retrying in ${delay} ms: ${error}`);
      return 'retry';
    } catch (err) {
      this.logger.error(`${what} failed (${error}) and the failure could not be recorded: ${describe(err)}`);
      return 'lost';
    }
  }

  /** A parked row is an admin's to look at; the row itself is the record, so a failed alert is only logged. */
  private async raiseAlert(row: InboxRow, message: string): Promise<void> {
    try {
      await this.alerts.raise({
        kind: 'inbox_failed',
        connector: row.connector,
        lineId: parseRowId(row.line),
        message: `${message} (replay: POST /api/inbox/failed/${row.id}/replay)`,
      });
    } catch (err) {
      this.logger.error(`the alert for parked inbox row ${row.id} could not be stored: ${describe(err)}`);
    }
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
