import { Get, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminAlertsService } from '../../open-lines/alerts/admin-alerts.service.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { validated } from '../common/validated.js';
import {
  alertResponse,
  listAlertsQuery,
  toAlertResponse,
  type AlertResponse,
  type ListAlertsQuery,
} from './alerts.dto.js';

@ApiController('alerts')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Admins only' })
export class AlertsController {
  constructor(private readonly alerts: AdminAlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alerts for admins, newest first' })
  @ApiOkResponse({ standardSchema: z.array(alertResponse) })
  async list(@Query(validated(listAlertsQuery)) query: ListAlertsQuery): Promise<AlertResponse[]> {
    return (await this.alerts.listRecent(query.limit)).map(toAlertResponse);
  }
}
