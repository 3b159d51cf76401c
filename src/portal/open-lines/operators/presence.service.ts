import { Injectable } from '@nestjs/common';
import type { OperatorPresence } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { LineSettingsRepository } from '../line-settings/line-settings.repository.js';
import { RoutingService } from '../routing/routing.service.js';
import { PresenceRepository, type PresenceStatus } from './presence.repository.js';

/** How long an operator who went offline keeps their chats before they are handed on. */
export const PRESENCE_GRACE_MS = 30_000;

export interface PresenceView {
  userId: number;
  status: PresenceStatus;
  changedAt: Date | null;
  /** Set while a disconnected operator may still come back without losing chats. */
  graceUntil: Date | null;
}

@Injectable()
export class PresenceService {
  constructor(
    private readonly repo: PresenceRepository,
    private readonly lineOperators: LineSettingsRepository,
    private readonly routing: RoutingService,
    private readonly clock: Clock,
  ) {}

  async get(userId: number): Promise<PresenceView> {
    return toView(userId, await this.repo.find(userId));
  }

  /** The presence of each of these users, in their order (offline for one who never set any). */
  async list(userIds: number[]): Promise<PresenceView[]> {
    const rows = new Map((await this.repo.listFor(userIds)).map((r) => [r.userId, r]));
    return userIds.map((id) => toView(id, rows.get(id) ?? null));
  }

  /**
   * Sets the operator's presence. Going offline starts a grace period: their chats stay until it
   * ends (RoutingScheduler hands them on then), so a reconnect within it changes nothing. Coming
   * online routes the queues of the operator's lines at once.
   */
  async set(userId: number, status: PresenceStatus): Promise<PresenceView> {
    const now = this.clock.now();
    const graceUntil = status === 'offline' ? new Date(now.getTime() + PRESENCE_GRACE_MS) : null;
    const row = await this.repo.save({ userId, status, graceUntil, at: now });
    if (status === 'online') {
      for (const lineId of await this.lineOperators.linesOfOperator(userId))
        await this.routing.routeLine(lineId);
    }
    return toView(userId, row);
  }
}

function toView(userId: number, row: OperatorPresence | null): PresenceView {
  return {
    userId,
    status: (row?.status ?? 'offline') as PresenceStatus,
    changedAt: row?.changedAt ?? null,
    graceUntil: row?.graceUntil ?? null,
  };
}
