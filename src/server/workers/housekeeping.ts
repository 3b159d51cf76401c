import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { ServerConfig } from '../config.js';
import { HookDeadLettersRepository } from '../hooks/hook-dead-letters.repository.js';
import { HookReceiptsRepository } from '../hooks/hook-receipts.repository.js';
import { JtiRepository } from '../input/jti.repository.js';
import { OutboundRepository } from '../outbound/outbound.repository.js';
import { DeadLetters } from '../queue/dead-letters.service.js';

/** Webhook receipts are kept a week: channels redeliver for a day at most (Telegram). */
const HOOK_RECEIPT_RETENTION_MS = 7 * 86_400_000;
/** Outbound receipts too: the portal's outbox retries every few minutes, not for days. */
const OUTBOUND_RECEIPT_RETENTION_MS = 7 * 86_400_000;

/**
 * Forgets what is past its window: seen jti values, webhook and outbound receipts, and dead letters (of the
 * queue and of the hook entry) beyond the retention.
 */
@Injectable()
export class Housekeeping {
  private readonly logger = new Logger(Housekeeping.name);

  constructor(
    private readonly jtis: JtiRepository,
    private readonly deadLetters: DeadLetters,
    private readonly receipts: HookReceiptsRepository,
    private readonly hookDeadLetters: HookDeadLettersRepository,
    private readonly outbound: OutboundRepository,
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<{
    jtis: number;
    hookReceipts: number;
    outboundReceipts: number;
    deadLetters: number;
    hookDeadLetters: number;
  }> {
    const jtis = await this.jtis.purgeExpired({ now: this.clock.now() });
    const hookReceipts = await this.receipts.purgeBefore({
      before: new Date(this.clock.nowMs() - HOOK_RECEIPT_RETENTION_MS),
    });
    const outboundReceipts = await this.outbound.purgeReceiptsBefore({
      before: new Date(this.clock.nowMs() - OUTBOUND_RECEIPT_RETENTION_MS),
    });
    const deadLetters = await this.deadLetters.purgeExpired();
    const hookDeadLetters = await this.hookDeadLetters.purgeBefore({
      before: new Date(this.clock.nowMs() - this.config.queue.deadLetterRetentionMs),
    });
    if (deadLetters + hookDeadLetters) {
      this.logger.log(`purged ${deadLetters + hookDeadLetters} dead letter(s) past the retention`);
    }
    return { jtis, hookReceipts, outboundReceipts, deadLetters, hookDeadLetters };
  }
}
