import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';

/**
 * Read-only look-up of customers' display names in external_users (written by the user-sync
 * pipeline), batched for a page of chats.
 */
@Injectable()
export class CustomerNamesRepository {
  constructor(private readonly db: DatabaseService) {}

  async namesByIds(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.client.externalUser.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, lastName: true },
    });
    return new Map(rows.map((r) => [r.id, [r.name, r.lastName].filter(Boolean).join(' ')]));
  }
}
