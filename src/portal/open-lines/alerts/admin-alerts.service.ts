import { Injectable } from '@nestjs/common';
import type { AdminAlert } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { AdminAlertsRepository, type AlertKind } from './admin-alerts.repository.js';

@Injectable()
export class AdminAlertsService {
  constructor(
    private readonly alerts: AdminAlertsRepository,
    private readonly clock: Clock,
  ) {}

  /** Raises an alert for the admins, dated now. */
  raise(opts: { kind: AlertKind; connector: string | null; lineId: number | null; message: string }) {
    return this.alerts.record({ ...opts, at: this.clock.now() });
  }

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
