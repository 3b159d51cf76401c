import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';
import { isUniqueViolation } from '../storage/prisma-errors.js';

export interface PortalRow {
  id: string;
  baseUrl: string;
  /** Sealed key ring. */
  keys: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The portal registry's rows. */
@Injectable()
export class PortalsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Creates the portal; resolves false when the id is taken. */
  async create(opts: { id: string; baseUrl: string; keys: string; now: Date }): Promise<boolean> {
    try {
      await this.db.client.portal.create({
        data: {
          id: opts.id,
          baseUrl: opts.baseUrl,
          keys: opts.keys,
          createdAt: opts.now,
          updatedAt: opts.now,
        },
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  find(opts: { id: string }): Promise<PortalRow | null> {
    return this.db.client.portal.findUnique({ where: { id: opts.id } });
  }

  list(): Promise<PortalRow[]> {
    return this.db.client.portal.findMany({ orderBy: { id: 'asc' } });
  }

  count(): Promise<number> {
    return this.db.client.portal.count();
  }

  /** Resolves false when there is no such portal. */
  async replaceKeys(opts: { id: string; keys: string; now: Date }): Promise<boolean> {
    const { count } = await this.db.client.portal.updateMany({
      where: { id: opts.id },
      data: { keys: opts.keys, updatedAt: opts.now },
    });
    return count === 1;
  }

  /** Items still queued for the portal on any of its lines. */
  countQueued(opts: { id: string }): Promise<number> {
    return this.db.client.queueItem.count({ where: { line: { portalId: opts.id } } });
  }

  /** Removes the portal with its lines, settings, queues and outbound calls (dead letters stay). */
  async remove(opts: { id: string }): Promise<boolean> {
    const { count } = await this.db.client.portal.deleteMany({ where: { id: opts.id } });
    return count === 1;
  }
}
