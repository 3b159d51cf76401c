import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../../common/clock.js';
import { MAX_BODY_BYTES, olpId } from '../../protocol/index.js';
import { ServerConfig } from '../config.js';
import { PortalRegistry } from '../portals/portal-registry.service.js';
import type { LineClaim } from '../storage/line-claims.js';
import { ServerWorkerOwner } from '../storage/server-worker-owner.js';
import { drain } from '../workers/drain.js';
import { OrphanReclaim } from '../workers/orphan-reclaim.js';
import { PortalClient } from './portal-client.js';
import { QueueRepository, SINGLE_ITEM_COMMANDS, type QueuedItem } from './queue.repository.js';

/** Room left in a packet for the envelope around the items. */
const ENVELOPE_RESERVE_BYTES = 64 * 1024;

/** The portal's per-message answer to receivingMessage. */
const messageAnswersSchema = z.array(
  z.looseObject({
    chat: z.looseObject({ id: olpId }).optional(),
    message: z.looseObject({ id: olpId }).optional(),
    ok: z.boolean().optional(),
    duplicate: z.boolean().optional(),
    error: z.unknown().optional(),
  }),
);

/** What one look at a due line did. */
export type LineOutcome = 'sent' | 'confirmed' | 'blocked' | 'dead-lettered' | 'idle' | 'stale';

/**
 * Pushes each line's queue to its portal: the batch at the head goes out as one signed packet,
 * then the line waits for setStatusDelivered. A failure (transport, refusal, or no confirmation
 * by the deadline) blocks the line for the next period of the schedule; after the last one the
 * line's items move to dead letters. Lines are claimed one at a time through the due index, so a
 * blocked or slow line never holds up another. A claim names this process's owner
 * (ServerWorkerOwner) while it pushes: a line whose push was cut short by the process's death is
 * taken back as soon as its owner is found dead (at once by the next process of its instance, else
 * after the owner's liveness window) and pushed again, not after the confirmation timeout.
 */
@Injectable()
export class QueueWorker {
  private readonly logger = new Logger(QueueWorker.name);
  private readonly reclaim: OrphanReclaim;

  constructor(
    private readonly config: ServerConfig,
    private readonly clock: Clock,
    private readonly repo: QueueRepository,
    private readonly registry: PortalRegistry,
    private readonly client: PortalClient,
    private readonly owner: ServerWorkerOwner,
  ) {
    this.reclaim = new OrphanReclaim({
      owner,
      clock,
      everyMs: config.workerPollMs,
      expire: (opts) => repo.expireOrphanedClaims(opts),
      logger: this.logger,
      lane: 'queue',
    });
  }

  /**
   * Serves due lines, `queue.concurrency` at a time, until none is due; resolves how many line
   * steps ran. Tests drive the queue with this; the worker loop runs `runOne` continuously.
   */
  tick(): Promise<number> {
    return drain(this.config.queue.concurrency, async () => (await this.runOne()) !== null);
  }

  /** Claims the line due earliest and serves it; resolves null when no line is due. */
  async runOne(): Promise<LineOutcome | null> {
    await this.reclaim.ifDue();
    const now = this.clock.now();
    const claim = await this.repo.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + this.config.queue.confirmTimeoutMs),
      token: randomUUID(),
      owner: this.owner.id,
    });
    return claim ? this.serve(claim) : null;
  }

  private async serve(claim: LineClaim): Promise<LineOutcome> {
    if (claim.phase === 'awaiting') {
      return this.failed(claim, 'no setStatusDelivered within the confirmation timeout');
    }
    const now = this.clock.now();
    const taken = await this.repo.takeBatch({
      claim,
      limit: this.config.queue.batchSize,
      maxBytes: MAX_BODY_BYTES - ENVELOPE_RESERVE_BYTES,
      deadline: new Date(now.getTime() + this.config.queue.confirmTimeoutMs),
      now,
    });
    if (taken.kind === 'empty') return 'idle';
    if (taken.kind === 'lost') return 'stale';

    const portal = await this.registry.get(claim.portalId);
    if (!portal) return this.failed(claim, `portal "${claim.portalId}" is not registered`);
    const command = taken.items[0].command;
    const data = taken.items.map((item) => JSON.parse(item.payload) as unknown);
    const outcome = await this.client.push(portal, {
      command,
      connector: claim.connector,
      line: claim.lineId,
      data: SINGLE_ITEM_COMMANDS.has(command) ? data[0] : data,
    });
    if (!outcome.ok) return this.failed(claim, outcome.reason);

    // receivingMessage is confirmed by setStatusDelivered; every other command by its answer.
    const answer =
      command === 'receivingMessage'
        ? this.readMessageAnswers(taken.items, outcome.data)
        : { confirmed: taken.items.map((i) => i.id), rejected: [] };
    const released = await this.repo.settleAnswer({ claim, ...answer, now: this.clock.now() });
    // The portal took the notice of a retired line: the record left for it has served.
    if (command === 'deactivateConnector' && released) await this.repo.dropRetired({ lineRef: claim.id });
    return released ? 'confirmed' : 'sent';
  }

  /**
   * Items the portal reports as duplicates are already stored there, so they need no confirmation;
   * items it refused will not be confirmed, so they go to dead letters now rather than blocking
   * the line for a day. Answers that do not line up with the batch are ignored (the line waits).
   */
  private readMessageAnswers(
    items: QueuedItem[],
    data: unknown,
  ): { confirmed: number[]; rejected: { id: number; reason: string }[] } {
    const result = { confirmed: [] as number[], rejected: [] as { id: number; reason: string }[] };
    const answers = messageAnswersSchema.safeParse(data);
    if (!answers.success || answers.data.length !== items.length) return result;
    items.forEach((item, i) => {
      const answer = answers.data[i];
      if (answer.chat?.id !== item.chatId || answer.message?.id !== item.messageId) return;
      if (answer.ok === false) {
        result.rejected.push({
          id: item.id,
          reason: `refused by the portal: ${JSON.stringify(answer.error ?? null)}`,
        });
      } else if (answer.duplicate === true) {
        result.confirmed.push(item.id);
      }
    });
    return result;
  }

  private async failed(claim: LineClaim, reason: string): Promise<LineOutcome> {
    const now = this.clock.now();
    const schedule = this.config.queue.blockScheduleMs;
    const attempt = claim.attempt + 1;
    const line = `${claim.portalId}/${claim.connector}/${claim.lineId}`;
    const period = schedule[attempt - 1];
    if (period !== undefined) {
      const until = new Date(now.getTime() + period);
      if (!(await this.repo.block({ claim, attempt, until, now }))) return 'stale';
      this.logger.warn(
        `line ${line}: attempt ${attempt} failed (${reason}); blocked until ${until.toISOString()}`,
      );
      return 'blocked';
    }
    const moved = await this.repo.deadLetterLine({
      claim,
      reason: `not delivered after ${attempt} attempts; last: ${reason}`,
      now,
    });
    if (moved === null) return 'stale';
    this.logger.error(
      `line ${line}: block schedule spent; ${moved} item(s) moved to dead letters (${reason})`,
    );
    return 'dead-lettered';
  }
}
