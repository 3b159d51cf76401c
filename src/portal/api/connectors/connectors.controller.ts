import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import { ConnectorSetupService } from './connector-setup.service.js';
import {
  CONNECTOR_TYPES,
  connectorId,
  connectorTypeResponse,
  setupRequest,
  setupResponse,
  type ConnectorTypeResponse,
  type SetupRequest,
  type SetupResponse,
} from './connectors.dto.js';

@ApiController('connectors')
export class ConnectorTypesController {
  @Get()
  @ApiOperation({ summary: 'The channels a line can be connected to, with the parameters each one needs' })
  @ApiOkResponse({ standardSchema: z.array(connectorTypeResponse) })
  list(): ConnectorTypeResponse[] {
    return CONNECTOR_TYPES.map((c) => ({ ...c, params: c.params.map((p) => ({ ...p })) }));
  }
}

@ApiController('lines')
@ApiTags('connectors')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Admins only' })
@ApiNotFoundResponse({ description: 'No such line' })
export class ConnectorSetupController {
  constructor(private readonly setup: ConnectorSetupService) {}

  @Post(':id/connectors/:connector/setup')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Connect a channel to the line: saveSettings(params), testConnect(), register() on the connector server',
    description:
      'Answers 200 with each step\'s result; "ok" is false when a step failed (the rest are not run).',
  })
  @ApiOkResponse({ standardSchema: setupResponse })
  run(
    @Param('id', validated(rowId)) id: number,
    @Param('connector', validated(connectorId)) connector: string,
    @Body(validated(setupRequest)) body: SetupRequest,
  ): Promise<SetupResponse> {
    return this.setup.setup(id, connector, body.params);
  }

  @Delete(':id/connectors/:connector')
  @ApiOperation({ summary: 'Disconnect the channel from the line (unregister on the connector server)' })
  @ApiOkResponse({ standardSchema: setupResponse })
  remove(
    @Param('id', validated(rowId)) id: number,
    @Param('connector', validated(connectorId)) connector: string,
  ): Promise<SetupResponse> {
    return this.setup.remove(id, connector);
  }
}
