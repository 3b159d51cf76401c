import { ConflictException, ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { Chat, Session } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import type { ReceivedMessagePayload } from '../../events/events.js';
import { ChatsRepository } from '../chats/chats.repository.js';
import { CustomerMessages } from '../customer-messages/customer-messages.service.js';
import { LineSettingsRepository } from '../line-settings/line-settings.repository.js';
import { LineSettingsService } from '../line-settings/line-settings.service.js';
import type { LineSettings } from '../line-settings/line-settings.js';
import { LinesRepository } from '../lines/lines.repository.js';
import { PresenceRepository } from '../operators/presence.repository.js';
import { parseRowId } from '../row-id.js';
import { RoutingService } from '../routing/routing.service.js';
import { SessionChanges, triedOf } from './session-changes.js';
import { SessionsRepository } from './sessions.repository.js';

/** How often a change lost to another process is retried on fresh state. */
const RETRIES = 5;

/** "1"/"0" (or a thumb) as the customer's answer to the rating request; null for anything else. */
export function parseRating(text: string): 0 | 1 | null {
  const t = text.trim();
  if (t === '1' || t === '👍') return 1;
  if (t === '0' || t === '👎') return 0;
  return null;
}

const later = (at: Date, sec: number) => new Date(at.getTime() + sec * 1000);

/**
 * The life of a session: opened or reopened by a customer message, talked to by the line's bot,
 * queued and routed, acted on by its operator, closed (with closing message and rating request).
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly repo: SessionsRepository,
    private readonly changes: SessionChanges,
    private readonly routing: RoutingService,
    private readonly settings: LineSettingsService,
    private readonly lineOperators: LineSettingsRepository,
    private readonly lines: LinesRepository,
    private readonly presence: PresenceRepository,
    private readonly chats: ChatsRepository,
    private readonly messages: CustomerMessages,
    private readonly clock: Clock,
  ) {}

  /** A customer wrote: continue the open session, reopen a recent one, or open a new one. */
  async onCustomerMessage(p: ReceivedMessagePayload): Promise<void> {
    const lineId = parseRowId(p.line);
    if (lineId === null) {
      this.logger.warn(`message on line "${p.line}", which is not a portal line id: not routed`);
      return;
    }
    const chat = await this.findChat(p);
    for (let i = 0; i < RETRIES; i++) {
      if (await this.tryCustomerMessage(chat, lineId, p.text)) return;
    }
    throw new ConflictException(`session of chat ${chat.id} kept changing; the inbox will retry`);
  }

  private async tryCustomerMessage(chat: Chat, lineId: number, text: string): Promise<boolean> {
    const at = this.clock.now();
    const open = await this.repo.findOpenByChat(chat.id);
    if (open) return this.continueSession(open, chat, text);
    const last = await this.repo.findLastClosedOfChat(chat.id);
    if (last?.closedAt) {
      const settings = await this.settings.get(last.lineId);
      if (at.getTime() - last.closedAt.getTime() <= settings.reopenWindowSec * 1000) {
        const rating = last.ratingAsked && last.rating === null ? parseRating(text) : null;
        if (rating !== null) {
          return (await this.changes.apply(last, { rating }, { note: `rated ${rating}` })) !== null;
        }
        const reopened = await this.changes.apply(
          last,
          {
            status: 'new',
            closedAt: null,
            closeReason: null,
            ratingAsked: false,
            lastCustomerAt: at,
            autoCloseAt: later(at, settings.autoCloseAfterSec),
          },
          { note: 'reopened by a customer message within the reopen window' },
        );
        if (!reopened) return false;
        await this.routing.enqueue(reopened, { note: 'queued', prefer: last.operatorId });
        return true;
      }
    }
    const settings = await this.settings.get(lineId);
    const created = await this.changes.create(
      {
        lineId,
        chatId: chat.id,
        status: 'new',
        operatorId: null,
        acceptedAt: null,
        tried: '[]',
        botStage: settings.bot ? 'menu' : null,
        queuedAt: null,
        passOnAt: null,
        noAnswerAt: null,
        autoCloseAt: later(at, settings.autoCloseAfterSec),
        noAnswerSent: false,
        lastCustomerAt: at,
        answeredAt: null,
        closedAt: null,
        closeReason: null,
        ratingAsked: false,
        rating: null,
        createdAt: at,
      },
      'opened by a customer message',
    );
    // Another process opened the chat's session at the same moment: continue that one.
    if (!created) return false;
    if (settings.welcomeMessage) {
      await this.messages.send(chat, settings.welcomeMessage, `session:${created.id}:welcome`);
    }
    if (settings.bot) {
      await this.changes.decided(created, 'bot', null, 'the line bot answers first with its menu');
      await this.messages.send(chat, settings.bot.menu, `session:${created.id}:menu`);
      return true;
    }
    await this.routing.enqueue(created, { note: 'queued' });
    return true;
  }

  private async continueSession(s: Session, chat: Chat, text: string): Promise<boolean> {
    const at = this.clock.now();
    const settings = await this.settings.get(s.lineId);
    if (s.botStage === 'menu' && settings.bot) return this.botAnswer(s, chat, text, settings);
    const touched = await this.changes.apply(
      s,
      { lastCustomerAt: at, autoCloseAt: later(at, settings.autoCloseAfterSec) },
      null,
    );
    return touched !== null;
  }

  private async botAnswer(s: Session, chat: Chat, text: string, settings: LineSettings): Promise<boolean> {
    const bot = settings.bot;
    if (!bot) return true;
    const option = bot.options.find((o) => o.key === text.trim());
    if (!option) {
      await this.messages.send(chat, bot.menu);
      return true;
    }
    if (option.action === 'human' || option.lineId === undefined) {
      await this.changes.decided(
        s,
        'bot',
        null,
        `bot: customer chose "${option.key}" (${option.label}): hand over to a human`,
      );
      return (await this.routing.enqueue(s, { note: 'bot handed over to a human' })) !== null;
    }
    const moved = await this.changes.apply(
      s,
      { lineId: option.lineId, botStage: null },
      { note: `bot: customer chose "${option.key}" (${option.label}): moved to line ${option.lineId}` },
    );
    if (!moved) return false;
    await this.changes.decided(
      moved,
      'bot',
      null,
      `bot: came from line ${s.lineId}, customer chose "${option.key}"`,
    );
    await this.routing.enqueue(moved, { note: 'queued' });
    return true;
  }

  /** The operator takes an offered session (assigned to them, or waiting on an "all" line). */
  async accept(id: number, userId: number): Promise<Session> {
    const s = await this.requireOpen(id);
    if (s.status === 'assigned' && s.operatorId === userId) {
      if (s.acceptedAt) return s;
      return this.orConflict(
        this.changes.apply(
          s,
          { acceptedAt: this.clock.now(), passOnAt: null },
          { note: 'accepted', actorId: userId },
        ),
      );
    }
    const settings = await this.settings.get(s.lineId);
    if (s.status !== 'waiting' || settings.queueType !== 'all') {
      throw new ForbiddenException(`session ${id} is not offered to you`);
    }
    if (!(await this.lineOperators.isOperatorOf({ lineId: s.lineId, userId }))) {
      throw new ForbiddenException(`you are not an operator of line ${s.lineId}`);
    }
    const change = {
      status: 'assigned' as const,
      operatorId: userId,
      acceptedAt: this.clock.now(),
      passOnAt: null,
      tried: JSON.stringify([userId]),
    };
    const log = { note: 'accepted', actorId: userId };
    const max = settings.maxChatsPerOperator;
    const taken =
      max === null
        ? await this.changes.apply(s, change, log)
        : await this.changes.applyWithinCapacity(s, change, log, { operatorId: userId, max });
    if (taken === 'full') {
      throw new ConflictException(`you already hold ${max} chats, the most this line allows`);
    }
    const next = await this.orConflict(Promise.resolve(taken));
    await this.presence.markAssigned({ userId, at: this.clock.now() });
    await this.changes.decided(s, 'assigned', userId, 'all: the first available operator to accept');
    return next;
  }

  /** The operator gives the session back; it goes to the next operator. */
  async skip(id: number, userId: number): Promise<Session> {
    const s = await this.requireAssignee(id, userId);
    const tried = [...new Set([...triedOf(s), userId])];
    return this.orConflict(
      this.routing.enqueue(s, { note: 'skipped by its operator', actorId: userId, keepPlace: true, tried }),
    );
  }

  async transferToOperator(id: number, userId: number, toOperatorId: number): Promise<Session> {
    const s = await this.requireAssignee(id, userId);
    if (toOperatorId === userId) throw new ConflictException('the session is already yours');
    if (!(await this.lineOperators.userExists(toOperatorId))) {
      throw new NotFoundException(`user ${toOperatorId} does not exist`);
    }
    const settings = await this.settings.get(s.lineId);
    const now = this.clock.now();
    const next = await this.orConflict(
      this.changes.apply(
        s,
        {
          status: 'assigned',
          operatorId: toOperatorId,
          acceptedAt: null,
          passOnAt: later(now, settings.queueTimeSec),
          tried: JSON.stringify([toOperatorId]),
        },
        { note: `transferred by operator ${userId} to operator ${toOperatorId}`, actorId: userId },
      ),
    );
    await this.changes.decided(s, 'assigned', toOperatorId, `transferred by operator ${userId}`);
    return next;
  }

  async transferToLine(id: number, userId: number, toLineId: number): Promise<Session> {
    const s = await this.requireAssignee(id, userId);
    if (toLineId === s.lineId) throw new ConflictException(`the session is already on line ${toLineId}`);
    if (!(await this.lines.findById(toLineId)))
      throw new NotFoundException(`line ${toLineId} does not exist`);
    const moved = await this.orConflict(
      this.changes.apply(
        s,
        {
          lineId: toLineId,
          status: 'waiting',
          operatorId: null,
          acceptedAt: null,
          passOnAt: null,
          tried: '[]',
        },
        {
          note: `transferred by operator ${userId} from line ${s.lineId} to line ${toLineId}`,
          actorId: userId,
        },
      ),
    );
    const settings = await this.settings.get(toLineId);
    await this.changes.decided(
      moved,
      'queued',
      null,
      `transferred from line ${s.lineId} by operator ${userId}`,
    );
    return this.routing.route(moved, settings);
  }

  async closeByOperator(id: number, userId: number): Promise<Session> {
    const s = await this.requireAssignee(id, userId);
    return this.orConflict(this.close(s, { reason: 'operator', actorId: userId }));
  }

  /**
   * Closes a session: due times cleared, the closing message on auto-close, the rating request
   * when the line asks for one. Null when another process changed the session first.
   */
  async close(
    s: Session,
    opts: { reason: 'operator' | 'inactivity'; actorId?: number },
  ): Promise<Session | null> {
    const settings = await this.settings.get(s.lineId);
    const next = await this.changes.apply(
      s,
      {
        status: 'closed',
        closedAt: this.clock.now(),
        closeReason: opts.reason,
        passOnAt: null,
        noAnswerAt: null,
        autoCloseAt: null,
        botStage: null,
        ratingAsked: settings.ratingRequest,
      },
      {
        note: opts.reason === 'operator' ? 'closed by its operator' : 'closed after inactivity',
        actorId: opts.actorId,
      },
    );
    if (!next) return null;
    const chat = await this.chats.findById(s.chatId);
    const closeKey = `session:${s.id}:close:${next.closedAt?.getTime()}`;
    if (chat && opts.reason === 'inactivity' && settings.closingMessage) {
      await this.messages.send(chat, settings.closingMessage, `${closeKey}:closing`);
    }
    if (chat && settings.ratingRequest)
      await this.messages.send(chat, settings.ratingMessage, `${closeKey}:rating`);
    return next;
  }

  /**
   * An operator replied in the chat (called by the reply path): the session is answered, its
   * pass-on and no-answer timers stop and the inactivity timer restarts.
   */
  async recordOperatorReply(opts: { chatId: number; operatorId: number }): Promise<Session | null> {
    for (let i = 0; i < RETRIES; i++) {
      const s = await this.repo.findOpenByChat(opts.chatId);
      if (!s) return null;
      const settings = await this.settings.get(s.lineId);
      const now = this.clock.now();
      const next = await this.changes.apply(
        s,
        {
          status: 'answered',
          operatorId: s.operatorId ?? opts.operatorId,
          acceptedAt: s.acceptedAt ?? now,
          answeredAt: s.answeredAt ?? now,
          passOnAt: null,
          noAnswerAt: null,
          autoCloseAt: later(now, settings.autoCloseAfterSec),
        },
        s.status === 'answered' ? null : { note: 'answered', actorId: opts.operatorId },
      );
      if (next) return next;
    }
    return null;
  }

  async get(id: number): Promise<Session> {
    const s = await this.repo.findById(id);
    if (!s) throw new NotFoundException(`session ${id} does not exist`);
    return s;
  }

  private async requireOpen(id: number): Promise<Session> {
    const s = await this.get(id);
    if (s.status === 'closed') throw new ConflictException(`session ${id} is closed`);
    return s;
  }

  private async requireAssignee(id: number, userId: number): Promise<Session> {
    const s = await this.requireOpen(id);
    if (s.operatorId !== userId || (s.status !== 'assigned' && s.status !== 'answered')) {
      throw new ForbiddenException(`session ${id} is not assigned to you`);
    }
    return s;
  }

  private async orConflict(change: Promise<Session | null>): Promise<Session> {
    const next = await change;
    if (!next) throw new ConflictException('the session changed meanwhile; reload it and try again');
    return next;
  }

  private async findChat(p: ReceivedMessagePayload): Promise<Chat> {
    const key = { connector: p.connector, lineId: p.line, externalChatId: p.message.chat.id };
    const details = { customerId: p.userId, blocked: false };
    try {
      return await this.chats.findOrCreate(key, details, this.clock.now());
    } catch {
      // The message listener created the same chat at the same moment: it exists now.
      return this.chats.findOrCreate(key, details, this.clock.now());
    }
  }
}
