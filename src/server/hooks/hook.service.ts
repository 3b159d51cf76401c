import { Injectable, Logger } from '@nestjs/common';
import { ConnectorFactory } from '../connectors/connector-factory.js';
import {
  HookRejected,
  HookUnusable,
  type HookReply,
  type HookRequest,
  type ParsedHook,
} from '../connectors/connector.js';
import { isLineHash, LineSettings } from '../lines/line-settings.service.js';
import { LinesRepository, type LineRow } from '../lines/lines.repository.js';
import { Clock } from '../../common/clock.js';
import { InvalidQueueItem, PortalQueue, toQueueInserts } from '../queue/portal-queue.service.js';
import { Wakeup } from '../workers/wakeup.js';
import { HookDeadLettersRepository } from './hook-dead-letters.repository.js';
import { HookReceiptsRepository } from './hook-receipts.repository.js';

const refusal = (status: number, code: string, message: string): HookReply => ({
  status,
  body: { ok: false, error: [{ code, message }] },
});

/**
 * The one entry for every channel's webhooks: the hash names the line, the line's connector
 * verifies and parses the request, and the resulting items are queued for the portal before the
 * channel gets its answer. Nothing is stored for a request that fails verification; a verified
 * one that cannot be used is refused with 400, or, for a channel that would resend it forever
 * (`Connector.keepUnusable`), kept as a dead letter and answered 200. Only a failure of the
 * server itself (its storage) is answered 5xx.
 */
@Injectable()
export class HookService {
  private readonly logger = new Logger(HookService.name);

  constructor(
    private readonly lines: LinesRepository,
    private readonly factory: ConnectorFactory,
    private readonly settings: LineSettings,
    private readonly queue: PortalQueue,
    private readonly receipts: HookReceiptsRepository,
    private readonly deadLetters: HookDeadLettersRepository,
    private readonly clock: Clock,
    private readonly wakeup: Wakeup,
  ) {}

  async receive(request: HookRequest): Promise<HookReply> {
    const hash: unknown = request.query.h;
    if (hash !== undefined && hash !== '' && !isLineHash(hash))
      return refusal(400, 'INVALID_HOOK', 'h: not a webhook address (letters, digits, - and _)');
    const row = hash ? await this.lines.findByHash({ hash }) : null;
    if (!row) return refusal(404, 'UNKNOWN_HOOK', 'no line has this webhook address');
    const resolved = this.factory.resolve(row.connector);
    if (!resolved) {
      this.logger.error(`a webhook came for connector "${row.connector}", which this server does not serve`);
      return refusal(503, 'CONNECTOR_UNAVAILABLE', `connector "${row.connector}" is not available`);
    }
    const { connector, channel } = resolved;
    const line = await this.settings.open(row, channel);
    try {
      await connector.verify(line, request);
    } catch (err) {
      if (err instanceof HookRejected) return refusal(err.status, 'HOOK_REJECTED', err.message);
      throw err;
    }
    let parsed: ParsedHook | undefined;
    try {
      parsed = await connector.parse(line, request);
      const target = await this.targetLine(row, parsed);
      if (parsed.receiptKey === undefined) await this.queue.enqueue(target.id, parsed.items);
      else await this.enqueueOnce(target.id, parsed.receiptKey, parsed);
      return parsed.reply ?? { status: 200, body: { ok: true } };
    } catch (err) {
      if (err instanceof HookRejected) return refusal(err.status, 'HOOK_REJECTED', err.message);
      // Items OLP would refuse count as unusable too: the portal could never take them.
      if (err instanceof HookUnusable || err instanceof InvalidQueueItem) {
        if (!connector.keepUnusable) return refusal(400, 'HOOK_REJECTED', err.message);
        const receiptKey = err instanceof HookUnusable ? err.receiptKey : parsed?.receiptKey;
        return this.keepUnusable(row, request, err.message, receiptKey);
      }
      throw err;
    }
  }

  /** Keeps a verified delivery that cannot be used, with the reason; a storage failure still throws (5xx). */
  private async keepUnusable(
    row: LineRow,
    request: HookRequest,
    reason: string,
    receiptKey?: string,
  ): Promise<HookReply> {
    const id = await this.deadLetters.add({
      lineRef: row.id,
      receiptKey: receiptKey ?? null,
      reason,
      // JSON escapes NUL and lone surrogates, which a PostgreSQL text column would refuse.
      body: JSON.stringify(request.body ?? null),
      now: this.clock.now(),
    });
    this.logger.warn(
      `${row.connector} line ${row.lineId} (portal ${row.portalId}): a webhook it cannot use is kept as dead letter #${id}: ${reason}`,
    );
    return { status: 200, body: { ok: true } };
  }

  /**
   * The line record the items go to: the hook's own, or, when the connector names one of its
   * virtual channels, that channel's record on the same portal line (created on first use and
   * sharing the real line's settings), so the portal gets them under the virtual id.
   */
  private async targetLine(row: LineRow, parsed: ParsedHook): Promise<LineRow> {
    const { connector } = parsed;
    if (connector === undefined || connector === row.connector) return row;
    const real = row.connector.split('.')[0];
    if (!connector.startsWith(`${real}.`) || !this.factory.resolve(connector)) {
      throw new Error(
        `connector "${row.connector}" named "${connector}", which is not one of its virtual channels`,
      );
    }
    // Refuses invalid items before the virtual line record is created: nothing is stored for them.
    if (!toQueueInserts(parsed.items).length) return row;
    return this.lines.ensure({
      portalId: row.portalId,
      connector,
      lineId: row.lineId,
      hashIfNew: this.settings.newHash(),
      now: this.clock.now(),
    });
  }

  /** A redelivered webhook is answered as the first one was, and queues nothing. */
  private async enqueueOnce(lineRef: number, key: string, parsed: ParsedHook): Promise<void> {
    const items = toQueueInserts(parsed.items);
    if (!items.length) return;
    const fresh = await this.receipts.appendOnce({ lineRef, key, items, now: this.clock.now() });
    if (fresh) this.wakeup.notify();
  }
}
