import { Injectable } from '@nestjs/common';
import type { Session } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { LineSettingsService } from '../line-settings/line-settings.service.js';
import type { LineSettings } from '../line-settings/line-settings.js';
import { isOpen } from '../line-settings/working-hours.js';
import { PresenceRepository, type PresenceStatus } from '../operators/presence.repository.js';
import { ChangeBatch, SessionChanges, triedOf } from '../sessions/session-changes.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { available, nobodyReason, pickOperator, type OperatorState, type Pick } from './distribution.js';

/**
 * Distributes waiting sessions to operators by the line's queue type, presence, capacity and
 * working hours. Every decision is logged with its reason. Assignment is a conditional update
 * on the session's version, so with several processes one chat is never assigned twice.
 */
/** History and decisions of a queue pass are written every this many rows. */
const FLUSH_EVERY = 400;

@Injectable()
export class RoutingService {
  constructor(
    private readonly settings: LineSettingsService,
    private readonly presence: PresenceRepository,
    private readonly sessions: SessionsRepository,
    private readonly changes: SessionChanges,
    private readonly clock: Clock,
  ) {}

  /** The line's operators in order, with presence and current load. */
  async operatorStates(lineId: number): Promise<OperatorState[]> {
    const rows = await this.sessions.operatorsOfLine(lineId);
    return rows.map((r, position) => ({
      userId: r.userId,
      position,
      presence: (r.status ?? 'offline') as PresenceStatus,
      load: r.load,
      lastAssignedAt: r.lastAssignedAt?.getTime() ?? null,
    }));
  }

  /**
   * Puts the session in its line's queue (status waiting) and routes it at once. A session that
   * was queued before keeps its place. Null when another process changed the session first.
   */
  async enqueue(
    s: Session,
    opts: {
      note: string;
      actorId?: number | null;
      prefer?: number | null;
      keepPlace?: boolean;
      /** Replaces the operators already tried (pass-on and skip add the one it leaves). */
      tried?: number[];
    },
  ): Promise<Session | null> {
    const settings = await this.settings.get(s.lineId);
    const now = this.clock.now();
    const wantsNoAnswer =
      settings.noAnswerMessage !== null && s.answeredAt === null && !s.noAnswerSent && s.noAnswerAt === null;
    const next = await this.changes.apply(
      s,
      {
        status: 'waiting',
        operatorId: null,
        acceptedAt: null,
        passOnAt: null,
        botStage: null,
        queuedAt: opts.keepPlace && s.queuedAt ? s.queuedAt : now,
        ...(opts.tried && { tried: JSON.stringify(opts.tried) }),
        ...(wantsNoAnswer && { noAnswerAt: new Date(now.getTime() + settings.noAnswerAfterSec * 1000) }),
      },
      { note: opts.note, actorId: opts.actorId },
    );
    return next && this.route(next, settings, opts.prefer);
  }

  /** One decision for one waiting session: assigned, offered to all, or left in the queue. */
  async route(s: Session, settings: LineSettings, prefer?: number | null): Promise<Session> {
    const now = this.clock.now();
    if (!isOpen(settings.workingHours, now)) {
      const position = await this.sessions.queuePosition(s);
      await this.changes.decided(
        s,
        'queued',
        null,
        `outside working hours (${settings.workingHours?.timeZone}); queue position ${position}`,
      );
      return s;
    }
    const ops = await this.operatorStates(s.lineId);
    if (settings.queueType === 'all') {
      const free = available(ops, settings.maxChatsPerOperator);
      if (free.length === 0) {
        await this.changes.decided(s, 'queued', null, nobodyReason(ops, settings.maxChatsPerOperator));
      } else {
        const ids = free.map((o) => o.userId).join(', ');
        await this.changes.decided(
          s,
          'offered',
          null,
          `all: offered to every available operator (${ids}); the first to accept takes it`,
        );
      }
      return s;
    }
    const pick = pickOperator(ops, {
      queueType: settings.queueType,
      maxChats: settings.maxChatsPerOperator,
      tried: new Set(triedOf(s)),
      prefer,
    });
    if (pick.operatorId === null) {
      const position = await this.sessions.queuePosition(s);
      await this.changes.decided(s, 'queued', null, `${pick.reason}; queue position ${position}`);
      return s;
    }
    const next = await this.assign(s, pick, settings);
    return typeof next === 'object' && next ? next : ((await this.sessions.findById(s.id)) ?? s);
  }

  /**
   * Routes a line's queue in order, reading its operators once. Stops at the first session
   * nobody can take (those behind it could not be taken either). Returns how many were assigned.
   */
  async routeLine(lineId: number, limit = 1000): Promise<number> {
    const settings = await this.settings.get(lineId);
    const now = this.clock.now();
    if (settings.queueType === 'all' || !isOpen(settings.workingHours, now)) return 0;
    const ops = await this.operatorStates(lineId);
    // Every tick passes here for each line with a queue: read the queue only if someone can take it.
    if (available(ops, settings.maxChatsPerOperator).length === 0) return 0;
    const waiting = await this.sessions.listWaiting({ lineId, limit });
    const batch = new ChangeBatch();
    const served = new Set<number>();
    let assigned = 0;
    try {
      for (const s of waiting) {
        const pick = pickOperator(ops, {
          queueType: settings.queueType,
          maxChats: settings.maxChatsPerOperator,
          tried: new Set(triedOf(s)),
        });
        if (pick.operatorId === null) break;
        const next = await this.assign(s, pick, settings, batch);
        const op = ops.find((o) => o.userId === pick.operatorId);
        // Full since the operators were read: not theirs to pick again in this pass.
        if (next === 'full' && op) op.load = Number.POSITIVE_INFINITY;
        if (typeof next !== 'object' || next?.status !== 'assigned') continue;
        if (op) {
          op.load += 1;
          op.lastAssignedAt = now.getTime();
        }
        served.add(pick.operatorId);
        assigned += 1;
        if (batch.size >= FLUSH_EVERY) await this.changes.flush(batch);
      }
    } finally {
      await this.changes.flush(batch);
      await this.presence.markAssignedMany({ userIds: [...served], at: now });
    }
    return assigned;
  }

  private async assign(
    s: Session,
    pick: Pick & { operatorId: number },
    settings: LineSettings,
    batch?: ChangeBatch,
  ): Promise<Session | 'full' | null> {
    const now = this.clock.now();
    const operatorId = pick.operatorId;
    const tried = pick.newRound ? [operatorId] : [...triedOf(s), operatorId];
    const change = {
      status: 'assigned' as const,
      operatorId,
      acceptedAt: null,
      passOnAt: new Date(now.getTime() + settings.queueTimeSec * 1000),
      tried: JSON.stringify(tried),
    };
    const max = settings.maxChatsPerOperator;
    const next =
      max === null
        ? await this.changes.apply(s, change, { note: 'routed' }, batch)
        : await this.changes.applyWithinCapacity(s, change, { note: 'routed' }, { operatorId, max }, batch);
    if (next === 'full') {
      // Another process gave this operator a chat since the pick: this one stays in the queue.
      await this.changes.decided(
        s,
        'queued',
        null,
        `operator ${operatorId} reached capacity (${max}) meanwhile`,
      );
      return 'full';
    }
    if (!next) return null;
    await this.presence.markAssigned({ userId: operatorId, at: now });
    await this.changes.decided(s, 'assigned', operatorId, pick.reason);
    return next;
  }
}
