import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminAlertsService } from '../../open-lines/alerts/admin-alerts.service.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { validated } from '../common/validated.js';
import {
  alertResponse,
  listAlertsQuery,
  markAlertsReadRequest,
  markAlertsReadResponse,
  type MarkAlertsReadRequest,
  type MarkAlertsReadResponse,
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

  @Post('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the alerts up to one id read' })
  @ApiOkResponse({ standardSchema: markAlertsReadResponse })
  async markRead(
    @Body(validated(markAlertsReadRequest)) body: MarkAlertsReadRequest,
  ): Promise<MarkAlertsReadResponse> {
    return { marked: await this.alerts.markRead(body.upToId) };
  }
}
