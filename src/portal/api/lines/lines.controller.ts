import { Body, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import { LinesService } from '../../open-lines/lines/lines.service.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  connectorStatusResponse,
  createLineRequest,
  lineResponse,
  toConnectorStatusResponse,
  toLineResponse,
  type ConnectorStatusResponse,
  type CreateLineRequest,
  type LineResponse,
} from './lines.dto.js';

@ApiController('lines')
export class LinesController {
  constructor(private readonly lines: LinesService) {}

  @Get()
  @ApiOperation({ summary: 'All Open Lines' })
  @ApiOkResponse({ standardSchema: z.array(lineResponse) })
  async list(): Promise<LineResponse[]> {
    return (await this.lines.list()).map(toLineResponse);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an Open Line (admins)' })
  @ApiCreatedResponse({ standardSchema: lineResponse })
  @ApiForbiddenResponse({ description: 'Admins only' })
  async create(@Body(validated(createLineRequest)) body: CreateLineRequest): Promise<LineResponse> {
    return toLineResponse(await this.lines.create(body.name));
  }

  @Get(':id/connectors')
  @ApiOperation({ summary: 'Status of each connector on the line, as the connector server last reported it' })
  @ApiOkResponse({ standardSchema: z.array(connectorStatusResponse) })
  @ApiNotFoundResponse({ description: 'No such line' })
  async connectors(@Param('id', validated(rowId)) id: number): Promise<ConnectorStatusResponse[]> {
    return (await this.lines.connectorsOf(id)).map(toConnectorStatusResponse);
  }
}
