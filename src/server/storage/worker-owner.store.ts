import { Injectable } from '@nestjs/common';
import type { WorkerOwnerStore } from '../../common/work/worker-owner.js';
import { DatabaseService } from './database.service.js';

/** The owners of this server's worker claims (table worker_owners). */
@Injectable()
export class ServerWorkerOwnerStore implements WorkerOwnerStore {
  constructor(private readonly database: DatabaseService) {}

  register(opts: { id: string; instance: string; now: Date; staleBefore: Date }): Promise<number> {
    const { id, instance, now, staleBefore } = opts;
    // One transaction (serialised in-process on SQLite): the new owner and its predecessors'
    // removal are seen together.
    return this.database.transaction(async (tx) => {
      await tx.workerOwner.create({ data: { id, instance, startedAt: now, heartbeatAt: now } });
      const gone = await tx.workerOwner.deleteMany({
        where: { id: { not: id }, OR: [{ instance }, { heartbeatAt: { lt: staleBefore } }] },
      });
      return gone.count;
    });
  }

  async beat(opts: { id: string; instance: string; now: Date }): Promise<boolean> {
    const { id, instance, now } = opts;
    // Deleted by a newer process of the instance (or as stale): stored again, and reported.
    const existing = await this.database.client.workerOwner.findUnique({
      where: { id },
      select: { id: true },
    });
    await this.database.client.workerOwner.upsert({
      where: { id },
      create: { id, instance, startedAt: now, heartbeatAt: now },
      update: { heartbeatAt: now },
    });
    return existing !== null;
  }
}
