import { ALL_LINES } from '../replies/line-scope.js';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { LineSettingsRepository } from '../line-settings/line-settings.repository.js';
import { PresenceRepository } from '../operators/presence.repository.js';
import { triedOf } from '../sessions/session-changes.js';
import { HELD_STATUSES, SessionsRepository } from '../sessions/sessions.repository.js';
import { RoutingService } from './routing.service.js';

/** How often one session is re-read when another process keeps changing it first. */
const RETRIES = 5;
const PAGE = 500;

/**
 * An operator was disabled or removed: they go offline at once (no grace period, since they
 * cannot come back), a removed one leaves their lines, and every chat they hold goes back to its
 * line's queue, keeping its place, and is routed to someone else.
 */
@Injectable()
export class OperatorDeparture {
  private readonly logger = new Logger(OperatorDeparture.name);

  constructor(
    private readonly presence: PresenceRepository,
    private readonly lineOperators: LineSettingsRepository,
    private readonly sessions: SessionsRepository,
    private readonly routing: RoutingService,
    private readonly clock: Clock,
  ) {}

  /** Returns how many chats were handed on. */
  async depart(opts: { userId: number; removed: boolean }): Promise<number> {
    const { userId } = opts;
    await this.presence.save({ userId, status: 'offline', graceUntil: null, at: this.clock.now() });
    if (opts.removed) await this.lineOperators.removeOperatorFromAllLines(userId);
    const note = `operator ${userId} was ${opts.removed ? 'removed' : 'disabled'}`;
    let handed = 0;
    for (;;) {
      const held = await this.sessions.list({
        scope: ALL_LINES,
        operatorId: userId,
        statuses: HELD_STATUSES,
        limit: PAGE,
      });
      let moved = 0;
      for (const s of held) if (await this.handOn(s.id, userId, note)) moved += 1;
      handed += moved;
      if (held.length < PAGE || moved === 0) break;
    }
    if (handed) this.logger.log(`${note}: ${handed} chats back to their queues`);
    return handed;
  }

  private async handOn(sessionId: number, userId: number, note: string): Promise<boolean> {
    for (let i = 0; i < RETRIES; i++) {
      const s = await this.sessions.findById(sessionId);
      // Closed or handed on meanwhile (by a customer, the scheduler or another process).
      if (!s || s.operatorId !== userId || !HELD_STATUSES.some((held) => held === s.status)) return false;
      const tried = [...new Set([...triedOf(s), userId])];
      if (await this.routing.enqueue(s, { note, keepPlace: true, tried })) return true;
    }
    throw new Error(`session ${sessionId} kept changing while handing it on from operator ${userId}`);
  }
}
