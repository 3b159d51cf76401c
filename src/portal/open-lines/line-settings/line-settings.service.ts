import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { QuickAnswer } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { PortalEvents } from '../../events/portal-events.js';
import { LinesRepository } from '../lines/lines.repository.js';
import { LineSettingsRepository } from './line-settings.repository.js';
import { lineSettingsSchema, parseLineSettings, type LineSettings } from './line-settings.js';

/** Reads and edits a line's routing settings, operators and quick answers. */
@Injectable()
export class LineSettingsService {
  constructor(
    private readonly repo: LineSettingsRepository,
    private readonly lines: LinesRepository,
    private readonly clock: Clock,
    private readonly events: PortalEvents,
  ) {}

  /** The line's settings, defaults filled in. */
  async get(lineId: number): Promise<LineSettings> {
    return parseLineSettings(await this.repo.findData(lineId));
  }

  /** Applies a partial change over the stored settings; the result is validated as a whole. */
  async update(lineId: number, patch: Record<string, unknown>): Promise<LineSettings> {
    await this.requireLine(lineId);
    const unknown = Object.keys(patch).filter((k) => !(k in lineSettingsSchema.shape));
    if (unknown.length) throw new BadRequestException(`unknown settings: ${unknown.join(', ')}`);
    const merged = lineSettingsSchema.safeParse({ ...(await this.get(lineId)), ...patch });
    if (!merged.success)
      throw new BadRequestException(merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const bad = merged.data.bot?.options.find((o) => o.action === 'line' && o.lineId === lineId);
    if (bad) throw new BadRequestException(`bot option ${bad.key} routes to its own line`);
    await this.repo.saveData({ lineId, data: JSON.stringify(merged.data), at: this.clock.now() });
    return merged.data;
  }

  operatorsOf(lineId: number): Promise<number[]> {
    return this.repo.listOperatorIds(lineId);
  }

  async setOperators(lineId: number, userIds: number[]): Promise<number[]> {
    await this.requireLine(lineId);
    await this.repo.replaceOperators(lineId, [...new Set(userIds)]);
    const operators = await this.repo.listOperatorIds(lineId);
    // Open operator streams follow it: who joined the line gets its events, who left no more.
    await this.events.emit('LineOperatorsChanged', { lineId, userIds: operators });
    return operators;
  }

  quickAnswers(lineId: number): Promise<QuickAnswer[]> {
    return this.repo.listQuickAnswers(lineId);
  }

  async addQuickAnswer(lineId: number, body: { title: string; text: string }): Promise<QuickAnswer> {
    await this.requireLine(lineId);
    return this.repo.createQuickAnswer({ lineId, ...body, at: this.clock.now() });
  }

  async editQuickAnswer(
    lineId: number,
    id: number,
    body: { title?: string; text?: string },
  ): Promise<QuickAnswer> {
    const row = await this.repo.updateQuickAnswer({ lineId, id, ...body, at: this.clock.now() });
    if (!row) throw new NotFoundException(`line ${lineId} has no quick answer ${id}`);
    return row;
  }

  async removeQuickAnswer(lineId: number, id: number): Promise<void> {
    if (!(await this.repo.deleteQuickAnswer({ lineId, id }))) {
      throw new NotFoundException(`line ${lineId} has no quick answer ${id}`);
    }
  }

  private async requireLine(lineId: number): Promise<void> {
    if (!(await this.lines.findById(lineId))) throw new NotFoundException(`line ${lineId} does not exist`);
  }
}
