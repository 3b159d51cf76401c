import { Injectable } from '@nestjs/common';
import type { OperatorPresence } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import { ID_SLICE } from '../sessions/sessions.repository.js';

export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

@Injectable()
export class PresenceRepository {
  constructor(private readonly db: DatabaseService) {}

  find(userId: number): Promise<OperatorPresence | null> {
    return this.db.client.operatorPresence.findUnique({ where: { userId } });
  }

  async listFor(userIds: number[]): Promise<OperatorPresence[]> {
    const rows: OperatorPresence[] = [];
    for (let i = 0; i < userIds.length; i += ID_SLICE) {
      const slice = userIds.slice(i, i + ID_SLICE);
      rows.push(...(await this.db.client.operatorPresence.findMany({ where: { userId: { in: slice } } })));
    }
    return rows;
  }

  save(opts: {
    userId: number;
    status: PresenceStatus;
    graceUntil: Date | null;
    at: Date;
  }): Promise<OperatorPresence> {
    const data = { status: opts.status, graceUntil: opts.graceUntil, changedAt: opts.at };
    return this.db.client.operatorPresence.upsert({
      where: { userId: opts.userId },
      create: { userId: opts.userId, ...data },
      update: data,
    });
  }

  async markAssigned(opts: { userId: number; at: Date }): Promise<void> {
    await this.db.client.operatorPresence.updateMany({
      where: { userId: opts.userId },
      data: { lastAssignedAt: opts.at },
    });
  }

  async markAssignedMany(opts: { userIds: number[]; at: Date }): Promise<void> {
    for (let i = 0; i < opts.userIds.length; i += ID_SLICE) {
      await this.db.client.operatorPresence.updateMany({
        where: { userId: { in: opts.userIds.slice(i, i + ID_SLICE) } },
        data: { lastAssignedAt: opts.at },
      });
    }
  }

  /** Operators still offline whose grace period has run out. */
  listGraceExpired(now: Date): Promise<OperatorPresence[]> {
    return this.db.client.operatorPresence.findMany({
      where: { status: 'offline', graceUntil: { lte: now } },
    });
  }

  /** Ends the grace period once; false when another process did, or the operator came back. */
  async endGrace(opts: { userId: number; graceUntil: Date }): Promise<boolean> {
    const { count } = await this.db.client.operatorPresence.updateMany({
      where: { userId: opts.userId, status: 'offline', graceUntil: opts.graceUntil },
      data: { graceUntil: null },
    });
    return count > 0;
  }
}
