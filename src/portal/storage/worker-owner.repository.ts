import { Injectable } from '@nestjs/common';
import type { WorkerOwnerStore } from '../../common/work/worker-owner.js';
import { DatabaseService } from './database.service.js';

/** The owners of this portal's worker claims (table worker_owners). */
@Injectable()
export class WorkerOwnerRepository implements WorkerOwnerStore {
  constructor(private readonly database: DatabaseService) {}

  async register(opts: { id: string; instance: string; now: Date; staleBefore: Date }): Promise<number> {
    const db = this.database.client;
    // Two statements, no transaction (on SQLite a second connection's wait would block the thread):
    // the new owner is stored before its predecessors go, so it is never missing.
    await db.workerOwner.create({
      data: { id: opts.id, instance: opts.instance, startedAt: opts.now, heartbeatAt: opts.now },
    });
    const { count } = await db.workerOwner.deleteMany({
      where: {
        id: { not: opts.id },
        OR: [{ instance: opts.instance }, { heartbeatAt: { lt: opts.staleBefore } }],
      },
    });
    return count;
  }

  async beat(opts: { id: string; instance: string; now: Date }): Promise<boolean> {
    const db = this.database.client;
    const { count } = await db.workerOwner.updateMany({
      where: { id: opts.id },
      data: { heartbeatAt: opts.now },
    });
    if (count === 1) return true;
    await db.workerOwner.create({
      data: { id: opts.id, instance: opts.instance, startedAt: opts.now, heartbeatAt: opts.now },
    });
    return false;
  }
}
