import { Injectable } from '@nestjs/common';
import type { RoutingDecision, Session } from '../../../generated/portal-sqlite/client.js';
import type { PortalEventMap } from '../../events/events.js';
import { Clock } from '../../../common/clock.js';
import { PortalEvents } from '../../events/portal-events.js';
import {
  SessionsRepository,
  type Capacity,
  type NewSession,
  type RoutingOutcome,
  type SessionChange,
} from './sessions.repository.js';

type Announcement = {
  [E in 'SessionStatusChanged' | 'SessionAssigned' | 'SessionQueued']: [E, PortalEventMap[E]];
}['SessionStatusChanged' | 'SessionAssigned' | 'SessionQueued'];

/**
 * Decisions and events of many changes, written and announced together by `flush` (a queue pass
 * assigns hundreds of sessions; one insert of their decisions is far cheaper than hundreds). The
 * history row of each change is not among them: it is written with the change itself.
 */
export class ChangeBatch {
  readonly decisions: Omit<RoutingDecision, 'id'>[] = [];
  readonly events: Announcement[] = [];

  get size(): number {
    return this.decisions.length;
  }
}

/**
 * Applies a change to a session the one safe way: conditional on the version read, recorded in
 * the history in the same transaction, announced to the operator stream. Null means another
 * process changed the session first; callers re-read or give up, they never overwrite.
 */
@Injectable()
export class SessionChanges {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly events: PortalEvents,
    private readonly clock: Clock,
  ) {}

  async apply(
    s: Session,
    change: SessionChange,
    log: { note: string; actorId?: number | null } | null,
    batch?: ChangeBatch,
  ): Promise<Session | null> {
    const next = await this.write(s, change, log, undefined, batch);
    return next === 'full' ? null : next;
  }

  /**
   * As `apply`, for a change that gives the session to an operator: it applies only while they
   * hold fewer than `capacity.max` other sessions, checked in the same statement, so two processes
   * assigning at once cannot put them over it. 'full' when they are at capacity.
   */
  applyWithinCapacity(
    s: Session,
    change: SessionChange,
    log: { note: string; actorId?: number | null },
    capacity: Capacity,
    batch?: ChangeBatch,
  ): Promise<Session | 'full' | null> {
    return this.write(s, change, log, capacity, batch);
  }

  private async write(
    s: Session,
    change: SessionChange,
    log: { note: string; actorId?: number | null } | null,
    capacity: Capacity | undefined,
    batch: ChangeBatch | undefined,
  ): Promise<Session | 'full' | null> {
    const at = this.clock.now();
    const next: Session = { ...s, ...change, version: s.version + 1, updatedAt: at };
    const statusChanged = next.status !== s.status;
    const operatorChanged = next.operatorId !== s.operatorId;
    const history =
      log || statusChanged || operatorChanged
        ? {
            status: next.status,
            operatorId: next.operatorId,
            actorId: log?.actorId ?? null,
            note: log?.note ?? '',
          }
        : null;
    const outcome = await this.repo.updateIfVersion({
      id: s.id,
      version: s.version,
      change,
      at,
      history,
      capacity,
    });
    if (outcome === 'full') return 'full';
    if (outcome === 'stale') return null;
    const payload = {
      sessionId: s.id,
      lineId: next.lineId,
      chatId: s.chatId,
      status: next.status,
      operatorId: next.operatorId,
    };
    const events: Announcement[] = [];
    if (statusChanged) events.push(['SessionStatusChanged', payload]);
    if (operatorChanged && next.operatorId !== null) events.push(['SessionAssigned', payload]);
    if (next.status === 'waiting' && (statusChanged || next.lineId !== s.lineId)) {
      events.push(['SessionQueued', { ...payload, position: await this.repo.queuePosition(next) }]);
    }
    if (batch) batch.events.push(...events);
    else await this.announce(events);
    return next;
  }

  /** Writes what the batch collected, then announces its events in order. */
  async flush(batch: ChangeBatch): Promise<void> {
    await this.repo.addDecisionMany(batch.decisions.splice(0));
    await this.announce(batch.events.splice(0));
  }

  private async announce(events: Announcement[]): Promise<void> {
    for (const [name, payload] of events) {
      // Separate calls only so that each name is checked against its own payload type.
      if (name === 'SessionQueued') await this.events.emit(name, payload);
      else await this.events.emit(name, payload);
    }
  }

  /**
   * Opens a session, its first status in the history with it; null when the chat already has an
   * open session on that line (another process opened it at the same moment).
   */
  async create(row: NewSession, note: string): Promise<Session | null> {
    const s = await this.repo.create(row, note);
    if (!s) return null;
    await this.events.emit('SessionStatusChanged', {
      sessionId: s.id,
      lineId: s.lineId,
      chatId: s.chatId,
      status: s.status,
      operatorId: null,
    });
    return s;
  }

  /** Logs a routing decision with its reason ("why here"). */
  async decided(
    s: Pick<Session, 'id' | 'lineId'>,
    outcome: RoutingOutcome,
    operatorId: number | null,
    reason: string,
    batch?: ChangeBatch,
  ): Promise<void> {
    const row = {
      sessionId: s.id,
      lineId: s.lineId,
      outcome,
      operatorId,
      reason,
      createdAt: this.clock.now(),
    };
    if (batch) batch.decisions.push(row);
    else await this.repo.addDecision(row);
  }
}

/** The operator ids a session has been offered to, from its stored JSON. */
export function triedOf(s: Pick<Session, 'tried'>): number[] {
  try {
    const parsed = JSON.parse(s.tried) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is number => typeof x === 'number') : [];
  } catch {
    return [];
  }
}
