import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { z } from 'zod';
import type { LineSettings } from '../../open-lines/line-settings/line-settings.js';
import { LineSettingsService } from '../../open-lines/line-settings/line-settings.service.js';
import { Roles } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { rowId } from '../common/schemas.js';
import { validated } from '../common/validated.js';
import {
  lineOperatorsRequest,
  lineOperatorsResponse,
  lineSettingsPatch,
  lineSettingsResponse,
  quickAnswerPatch,
  quickAnswerRequest,
  quickAnswerResponse,
  toQuickAnswerResponse,
  type LineOperatorsRequest,
  type LineSettingsPatch,
  type QuickAnswerPatch,
  type QuickAnswerRequest,
  type QuickAnswerResponse,
} from './line-settings.dto.js';

/** A line's routing settings, its operators in queue order and its quick answers. */
@ApiController('lines')
export class LineSettingsController {
  constructor(private readonly settings: LineSettingsService) {}

  @Get(':id/settings')
  @ApiOperation({ summary: "The line's routing settings, defaults filled in" })
  @ApiOkResponse({ standardSchema: lineSettingsResponse })
  get(@Param('id', validated(rowId)) id: number): Promise<LineSettings> {
    return this.settings.get(id);
  }

  @Patch(':id/settings')
  @Roles('admin')
  @ApiOperation({ summary: 'Change some routing settings (admins)' })
  @ApiOkResponse({ standardSchema: lineSettingsResponse })
  @ApiBadRequestResponse({ description: 'A field is unknown or invalid' })
  @ApiForbiddenResponse({ description: 'Admins only' })
  @ApiNotFoundResponse({ description: 'No such line' })
  update(
    @Param('id', validated(rowId)) id: number,
    @Body(validated(lineSettingsPatch)) body: LineSettingsPatch,
  ): Promise<LineSettings> {
    return this.settings.update(id, body);
  }

  @Get(':id/operators')
  @ApiOkResponse({ standardSchema: lineOperatorsResponse })
  async operators(@Param('id', validated(rowId)) id: number): Promise<LineOperatorsRequest> {
    return { userIds: await this.settings.operatorsOf(id) };
  }

  @Put(':id/operators')
  @Roles('admin')
  @ApiOperation({ summary: "Set the line's operators in queue order (admins)" })
  @ApiOkResponse({ standardSchema: lineOperatorsResponse })
  @ApiForbiddenResponse({ description: 'Admins only' })
  async setOperators(
    @Param('id', validated(rowId)) id: number,
    @Body(validated(lineOperatorsRequest)) body: LineOperatorsRequest,
  ): Promise<LineOperatorsRequest> {
    return { userIds: await this.settings.setOperators(id, body.userIds) };
  }

  @Get(':id/quick-answers')
  @ApiOkResponse({ standardSchema: z.array(quickAnswerResponse) })
  async quickAnswers(@Param('id', validated(rowId)) id: number): Promise<QuickAnswerResponse[]> {
    return (await this.settings.quickAnswers(id)).map(toQuickAnswerResponse);
  }

  @Post(':id/quick-answers')
  @Roles('admin')
  @ApiCreatedResponse({ standardSchema: quickAnswerResponse })
  @ApiForbiddenResponse({ description: 'Admins only' })
  async addQuickAnswer(
    @Param('id', validated(rowId)) id: number,
    @Body(validated(quickAnswerRequest)) body: QuickAnswerRequest,
  ): Promise<QuickAnswerResponse> {
    return toQuickAnswerResponse(await this.settings.addQuickAnswer(id, body));
  }

  @Patch(':id/quick-answers/:answerId')
  @Roles('admin')
  @ApiOkResponse({ standardSchema: quickAnswerResponse })
  @ApiNotFoundResponse({ description: 'No such quick answer on the line' })
  async editQuickAnswer(
    @Param('id', validated(rowId)) id: number,
    @Param('answerId', validated(rowId)) answerId: number,
    @Body(validated(quickAnswerPatch)) body: QuickAnswerPatch,
  ): Promise<QuickAnswerResponse> {
    return toQuickAnswerResponse(await this.settings.editQuickAnswer(id, answerId, body));
  }

  @Delete(':id/quick-answers/:answerId')
  @HttpCode(204)
  @Roles('admin')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such quick answer on the line' })
  async removeQuickAnswer(
    @Param('id', validated(rowId)) id: number,
    @Param('answerId', validated(rowId)) answerId: number,
  ): Promise<void> {
    await this.settings.removeQuickAnswer(id, answerId);
  }
}
