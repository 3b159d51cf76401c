import { Injectable } from '@nestjs/common';
import type { RoutingDecision, Session, SessionHistory } from '../../../generated/portal-sqlite/client.js';
import type { PortalEventMap } from '../../events/events.js';
import { Clock } from '../../../common/clock.js';
import { PortalEvents } from '../../events/portal-events.js';
import { SessionsRepository, type RoutingOutcome, type SessionChange } from './sessions.repository.js';

type Announcement = {
  [E in 'SessionStatusChanged' | 'SessionAssigned' | 'SessionQueued']: [E, PortalEventMap[E]];
}['SessionStatusChanged' | 'SessionAssigned' | 'SessionQueued'];

/**
 * History rows, decisions and events of many changes, written together by `flush` (a queue pass
 * assigns hundreds of sessions; one insert of their history is far cheaper than hundreds).
 */
export class ChangeBatch {
  readonly history: Omit<SessionHistory, 'id'>[] = [];
  readonly decisions: Omit<RoutingDecision, 'id'>[] = [];
  readonly events: Announcement[] = [];

  get size(): number {
    return this.history.length + this.decisions.length;
  }
}

/**
 * Applies a change to a session the one safe way: conditional on the version read, recorded in
 * the history, announced to the operator stream. Null means another process changed the session
 * first; callers re-read or give up, they never overwrite.
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
    const at = this.clock.now();
    if (!(await this.repo.updateIfVersion({ id: s.id, version: s.version, change, at }))) return null;
    const next: Session = { ...s, ...change, version: s.version + 1, updatedAt: at };
    const statusChanged = next.status !== s.status;
    const operatorChanged = next.operatorId !== s.operatorId;
    if (log || statusChanged || operatorChanged) {
      const row = {
        sessionId: s.id,
        status: next.status,
        operatorId: next.operatorId,
        actorId: log?.actorId ?? null,
        note: log?.note ?? '',
        createdAt: at,
      };
      if (batch) batch.history.push(row);
      else await this.repo.addHistory(row);
    }
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
    await this.repo.addHistoryMany(batch.history.splice(0));
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

  /** Records a just-created session's first status. */
  async created(s: Session, note: string): Promise<void> {
    await this.repo.addHistory({
      sessionId: s.id,
      status: s.status,
      operatorId: null,
      actorId: null,
      note,
      createdAt: s.createdAt,
    });
    await this.events.emit('SessionStatusChanged', {
      sessionId: s.id,
      lineId: s.lineId,
      chatId: s.chatId,
      status: s.status,
      operatorId: null,
    });
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
