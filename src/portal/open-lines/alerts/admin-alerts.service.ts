import { Injectable } from '@nestjs/common';
import type { AdminAlert } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { AdminAlertsRepository } from './admin-alerts.repository.js';

@Injectable()
export class AdminAlertsService {
  constructor(
    private readonly alerts: AdminAlertsRepository,
    private readonly clock: Clock,
  ) {}

  /** Newest first. */
  listRecent(limit: number): Promise<AdminAlert[]> {
    return this.alerts.listRecent({ limit });
  }

  /**
   * Marks read the alerts up to the newest one the admin has seen; alerts that arrived after it
   * stay unread.
   */
  markRead(upToId: number): Promise<number> {
    return this.alerts.markRead({ upToId, at: this.clock.now() });
  }
}
