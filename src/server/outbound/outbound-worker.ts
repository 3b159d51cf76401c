import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { OlpOutgoing } from '../../protocol/index.js';
import { ConnectorFactory } from '../connectors/connector-factory.js';
import type {
  Connector,
  ConnectorLine,
  DeliveryResult,
  InboundItem,
  StatusMark,
} from '../connectors/connector.js';
import { RetryAfter } from '../connectors/connector.js';
import { ServerConfig } from '../config.js';
import { LineSettings } from '../lines/line-settings.service.js';
import { LinesRepository } from '../lines/lines.repository.js';
import { InvalidQueueItem, toQueueInserts } from '../queue/portal-queue.service.js';
import type { QueueInsert } from '../queue/queue.repository.js';
import type { LineClaim } from '../storage/line-claims.js';
import { ServerWorkerOwner } from '../storage/server-worker-owner.js';
import { drain } from '../workers/drain.js';
import { OrphanReclaim } from '../workers/orphan-reclaim.js';
import { OutboundRepository, type OutboundCallRow } from './outbound.repository.js';
import { isItemMethod, type OutboundMethod } from './outbound.service.js';

export type CallOutcome = 'done' | 'retry' | 'failed' | 'idle' | 'stale';

const ITEM_ACTIONS = {
  sendMessage: 'send',
  updateMessage: 'update',
  deleteMessage: 'delete',
} as const satisfies Partial<Record<OutboundMethod, keyof Connector>>;

const MARK_ACTIONS = {
  setStatusDelivered: 'markDelivered',
  setStatusReading: 'markRead',
} as const satisfies Partial<Record<OutboundMethod, keyof Connector>>;

/**
 * Carries the portal's fire-and-forget calls to the channel, in order per line. Each item's
 * outcome goes back to the portal through the line's queue: receivingStatusDelivery for a sent
 * or updated message, receivingError for a refused one. A thrown error is transient: the call is
 * retried on the outbound schedule and, once that is spent, its remaining items are reported failed.
 * Claims are leases held by this process's owner (ServerWorkerOwner): the lines of a process that
 * died are taken back as soon as its owner is found dead (at once by the next process of its
 * instance, else after the owner's liveness window), at the latest when the lease runs out.
 */
@Injectable()
export class OutboundWorker {
  private readonly logger = new Logger(OutboundWorker.name);
  private readonly reclaim: OrphanReclaim;

  constructor(
    private readonly config: ServerConfig,
    private readonly clock: Clock,
    private readonly repo: OutboundRepository,
    private readonly lines: LinesRepository,
    private readonly settings: LineSettings,
    private readonly factory: ConnectorFactory,
    private readonly owner: ServerWorkerOwner,
  ) {
    this.reclaim = new OrphanReclaim({
      owner,
      clock,
      everyMs: config.workerPollMs,
      expire: (opts) => repo.expireOrphanedClaims(opts),
      logger: this.logger,
      lane: 'outbound',
    });
  }

  /** Serves due lines until none is due; resolves how many calls were looked at. */
  tick(): Promise<number> {
    return drain(this.config.queue.concurrency, async () => (await this.runOne()) !== null);
  }

  /** Serves the call at the head of the line due earliest; resolves null when no line is due. */
  async runOne(): Promise<CallOutcome | null> {
    await this.reclaim.ifDue();
    const now = this.clock.now();
    const claim = await this.repo.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + this.config.outbound.leaseMs),
      token: randomUUID(),
      owner: this.owner.id,
    });
    if (!claim) return null;
    const call = await this.repo.head({ lineRef: claim.id });
    if (!call) {
      await this.repo.finish({ claim, callId: null, now });
      return 'idle';
    }
    try {
      return await this.serve(claim, call);
    } catch (err) {
      return this.retry(claim, call, err);
    }
  }

  private async serve(claim: LineClaim, call: OutboundCallRow): Promise<CallOutcome> {
    const row = await this.lines.find({
      portalId: claim.portalId,
      connector: claim.connector,
      lineId: claim.lineId,
    });
    const resolved = this.factory.resolve(claim.connector);
    if (!row || !resolved) throw new Error(`connector "${claim.connector}" is not available`);
    const line = await this.settings.open(row, resolved.channel);
    const method = call.method as OutboundMethod;
    const items = JSON.parse(call.items) as unknown[];
    if (isItemMethod(method)) {
      const action = ITEM_ACTIONS[method];
      for (let i = call.doneItems; i < items.length; i++) {
        const item = items[i] as OlpOutgoing;
        const result = await resolved.connector[action](line, item, { key: `out:${call.id}:${i}` });
        const reports = this.validReports(claim, this.reportsFor(method, item, result));
        const recorded = await this.repo.recordProgress({
          claim,
          callId: call.id,
          doneItems: i + 1,
          reports,
          forget: result.ok ? [] : [forgetOf(method, item)],
          now: this.clock.now(),
        });
        if (!recorded) return 'stale';
      }
    } else {
      await this.mark(resolved.connector, MARK_ACTIONS[method], line, items as StatusMark[]);
    }
    return (await this.repo.finish({ claim, callId: call.id, now: this.clock.now() })) ? 'done' : 'stale';
  }

  private async mark(
    connector: Connector,
    action: 'markDelivered' | 'markRead',
    line: ConnectorLine,
    items: StatusMark[],
  ): Promise<void> {
    const mark = connector[action];
    // Calls are stored only for connectors with the mark; one lost in a redeploy is simply done.
    if (mark) await mark.call(connector, line, items);
  }

  /**
   * The item went to the channel whatever its report looks like: a report OLP/1 would refuse (a
   * connector's fault) is logged and dropped rather than sending the item again on a retry.
   */
  private validReports(claim: LineClaim, reports: InboundItem[]): QueueInsert[] {
    try {
      return toQueueInserts(reports);
    } catch (err) {
      if (!(err instanceof InvalidQueueItem)) throw err;
      this.logger.error(`${claim.connector} returned a result that cannot be reported: ${err.message}`);
      return [];
    }
  }

  private reportsFor(method: OutboundMethod, item: OlpOutgoing, result: DeliveryResult): InboundItem[] {
    const chat = { id: item.chat.id };
    if (!result.ok) {
      return [
        {
          command: 'receivingError',
          item: { im: item.im, chat, code: result.code, message: result.message },
        },
      ];
    }
    if (method === 'deleteMessage') return [];
    const message = { id: result.externalIds, ...(result.date !== undefined && { date: result.date }) };
    return [{ command: 'receivingStatusDelivery', item: { im: item.im, message, chat } }];
  }

  private async retry(claim: LineClaim, call: OutboundCallRow, err: unknown): Promise<CallOutcome> {
    const reason = err instanceof Error ? err.message : String(err);
    const attempts = call.attempts + 1;
    const scheduled = this.config.outbound.retryScheduleMs[attempts - 1];
    // The channel said when to come back (a rate limit): then, not on our own schedule.
    const wait = scheduled !== undefined && err instanceof RetryAfter ? err.retryAfterMs : scheduled;
    const now = this.clock.now();
    const where = `${claim.portalId}/${claim.connector}/${claim.lineId} call ${call.id} (${call.method})`;
    if (wait !== undefined) {
      const at = new Date(now.getTime() + wait);
      const planned = await this.repo.retryLater({
        claim,
        callId: call.id,
        attempts,
        lastError: reason,
        at,
        now,
      });
      if (planned)
        this.logger.warn(`${where}: attempt ${attempts} failed (${reason}); retry at ${at.toISOString()}`);
      return planned ? 'retry' : 'stale';
    }
    this.logger.error(`${where}: gave up after ${attempts} attempts (${reason})`);
    const method = call.method as OutboundMethod;
    if (isItemMethod(method)) {
      const items = (JSON.parse(call.items) as OlpOutgoing[]).slice(call.doneItems);
      const reports = items.flatMap((item) =>
        this.reportsFor(method, item, { ok: false, code: 'DELIVERY_FAILED', message: reason }),
      );
      const recorded = await this.repo.recordProgress({
        claim,
        callId: call.id,
        doneItems: call.doneItems + items.length,
        reports: toQueueInserts(reports),
        forget: items.map((item) => forgetOf(method, item)),
        now,
      });
      if (!recorded) return 'stale';
    }
    return (await this.repo.finish({ claim, callId: call.id, now })) ? 'failed' : 'stale';
  }
}

/** The receipt of a refused item, forgotten so that the portal's resend (same ids) is stored. */
function forgetOf(method: OutboundMethod, item: OlpOutgoing) {
  return { method, chatId: item.im.chat_id, messageId: item.im.message_id };
}
