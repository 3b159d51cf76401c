import { Injectable } from '@nestjs/common';
import type { AdminAlert } from '../../../generated/portal-sqlite/client.js';
import { AdminAlertsRepository } from './admin-alerts.repository.js';

@Injectable()
export class AdminAlertsService {
  constructor(private readonly alerts: AdminAlertsRepository) {}

  /** Newest first. */
  listRecent(limit: number): Promise<AdminAlert[]> {
    return this.alerts.listRecent({ limit });
  }
}
