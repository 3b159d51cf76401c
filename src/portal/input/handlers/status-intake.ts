import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { InboxRepository } from '../inbox/inbox.repository.js';
import { InboxWorker } from '../inbox/inbox.worker.js';
import { toInboxStatus, type InboxStatusCommand, type InboxStatusItem } from '../inbox/inbox-status.js';
import type { CommandPacket } from '../router/olp-command.js';

/**
 * What the status handlers share: the items are stored in the inbox, and the answer goes only
 * once that write is committed; the inbox worker applies them. A crash in between loses
 * nothing: without an answer the server sends the packet again, and stored repeats are skipped.
 */
@Injectable()
export class StatusIntake {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly worker: InboxWorker,
    private readonly clock: Clock,
  ) {}

  async store<C extends InboxStatusCommand>({
    command,
    connector,
    line,
    data,
  }: CommandPacket<C>): Promise<{ received: number }> {
    const items = data as InboxStatusItem<C>[];
    await this.inbox.storePacket({
      connector,
      line,
      now: this.clock.now(),
      messages: items.map((item) => toInboxStatus(command, item)),
    });
    this.worker.nudge();
    return { received: items.length };
  }
}
