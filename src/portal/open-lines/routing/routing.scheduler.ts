import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { CustomerMessages } from '../customer-messages/customer-messages.service.js';
import { LineSettingsService } from '../line-settings/line-settings.service.js';
import { PresenceRepository } from '../operators/presence.repository.js';
import { SessionChanges, triedOf } from '../sessions/session-changes.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { RoutingService } from './routing.service.js';

/** How often a portal with workers looks for due routing work. */
export const ROUTING_TICK_MS = 1000;
const BATCH = 500;

export interface TickOutcome {
  passedOn: number;
  noAnswerSent: number;
  autoClosed: number;
  handedOn: number;
  assigned: number;
}

/**
 * The routing timers. Due times are stored on the rows (pass_on_at, no_answer_at, auto_close_at,
 * grace_until), and each tick re-reads them from the database, so a restart loses nothing and any
 * number of processes may tick: every action is a conditional update that only one wins.
 */
@Injectable()
export class RoutingScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RoutingScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly config: PortalConfig,
    private readonly sessions: SessionsRepository,
    private readonly lifecycle: SessionsService,
    private readonly routing: RoutingService,
    private readonly changes: SessionChanges,
    private readonly presence: PresenceRepository,
    private readonly settings: LineSettingsService,
    private readonly chats: ChatsRepository,
    private readonly messages: CustomerMessages,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.workers) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.logger.error(`routing tick failed: ${String(err)}`))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, ROUTING_TICK_MS);
  }

  /** Does everything that is due now. */
  async tick(): Promise<TickOutcome> {
    const out: TickOutcome = { passedOn: 0, noAnswerSent: 0, autoClosed: 0, handedOn: 0, assigned: 0 };
    out.handedOn = await this.endGracePeriods();
    out.passedOn = await this.passOn();
    out.noAnswerSent = await this.sendNoAnswer();
    out.autoClosed = await this.autoClose();
    for (const lineId of await this.sessions.linesWithWaiting())
      out.assigned += await this.routing.routeLine(lineId);
    return out;
  }

  /** Operators offline past their grace period: their unanswered chats go back to the queue. */
  private async endGracePeriods(): Promise<number> {
    let handed = 0;
    for (const p of await this.presence.listGraceExpired(this.clock.now())) {
      if (!p.graceUntil || !(await this.presence.endGrace({ userId: p.userId, graceUntil: p.graceUntil })))
        continue;
      for (const s of await this.sessions.listAssignedTo(p.userId)) {
        const tried = [...new Set([...triedOf(s), p.userId])];
        const next = await this.routing.enqueue(s, {
          note: `operator ${p.userId} went offline`,
          keepPlace: true,
          tried,
        });
        if (next) handed += 1;
      }
    }
    return handed;
  }

  private async passOn(): Promise<number> {
    let passed = 0;
    for (const s of await this.sessions.duePassOn({ now: this.clock.now(), limit: BATCH })) {
      if (s.acceptedAt || s.operatorId === null) continue;
      const tried = [...new Set([...triedOf(s), s.operatorId])];
      const next = await this.routing.enqueue(s, {
        note: `not accepted by operator ${s.operatorId} within the queue time; passed on`,
        keepPlace: true,
        tried,
      });
      if (next) passed += 1;
    }
    return passed;
  }

  private async sendNoAnswer(): Promise<number> {
    let sent = 0;
    for (const s of await this.sessions.dueNoAnswer({ now: this.clock.now(), limit: BATCH })) {
      const next = await this.changes.apply(
        s,
        { noAnswerAt: null, noAnswerSent: s.answeredAt === null },
        null,
      );
      if (!next || s.answeredAt !== null) continue;
      const settings = await this.settings.get(s.lineId);
      const chat = await this.chats.findById(s.chatId);
      if (!chat || !settings.noAnswerMessage) continue;
      const position = s.status === 'waiting' ? await this.sessions.queuePosition(s) : 0;
      const text = settings.noAnswerMessage.replaceAll('{position}', String(position));
      await this.messages.send(chat, text, `session:${s.id}:no-answer:${s.noAnswerAt?.getTime()}`);
      await this.changes.decided(
        s,
        'kept',
        s.operatorId,
        `no answer within ${settings.noAnswerAfterSec} s: customer told (queue position ${position})`,
      );
      sent += 1;
    }
    return sent;
  }

  private async autoClose(): Promise<number> {
    let closed = 0;
    for (const s of await this.sessions.dueAutoClose({ now: this.clock.now(), limit: BATCH })) {
      if (await this.lifecycle.close(s, { reason: 'inactivity' })) closed += 1;
    }
    return closed;
  }
}
