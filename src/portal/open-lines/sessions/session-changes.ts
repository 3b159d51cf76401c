import { Injectable } from '@nestjs/common';
import type { Session } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { PortalEvents } from '../../events/portal-events.js';
import { SessionsRepository, type RoutingOutcome, type SessionChange } from './sessions.repository.js';

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
  ): Promise<Session | null> {
    const at = this.clock.now();
    if (!(await this.repo.updateIfVersion({ id: s.id, version: s.version, change, at }))) return null;
    const next: Session = { ...s, ...change, version: s.version + 1, updatedAt: at };
    const statusChanged = next.status !== s.status;
    const operatorChanged = next.operatorId !== s.operatorId;
    if (log || statusChanged || operatorChanged) {
      await this.repo.addHistory({
        sessionId: s.id,
        status: next.status,
        operatorId: next.operatorId,
        actorId: log?.actorId ?? null,
        note: log?.note ?? '',
        createdAt: at,
      });
    }
    const payload = {
      sessionId: s.id,
      lineId: next.lineId,
      chatId: s.chatId,
      status: next.status,
      operatorId: next.operatorId,
    };
    if (statusChanged) await this.events.emit('SessionStatusChanged', payload);
    if (operatorChanged && next.operatorId !== null) await this.events.emit('SessionAssigned', payload);
    if (next.status === 'waiting' && (statusChanged || next.lineId !== s.lineId)) {
      await this.events.emit('SessionQueued', { ...payload, position: await this.repo.queuePosition(next) });
    }
    return next;
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
  ): Promise<void> {
    await this.repo.addDecision({
      sessionId: s.id,
      lineId: s.lineId,
      outcome,
      operatorId,
      reason,
      createdAt: this.clock.now(),
    });
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
