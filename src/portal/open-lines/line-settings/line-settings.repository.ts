import { Injectable } from '@nestjs/common';
import type { QuickAnswer } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';

@Injectable()
export class LineSettingsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The stored settings document, or undefined when the line still has the defaults. */
  async findData(lineId: number): Promise<string | undefined> {
    const row = await this.db.client.lineSetting.findUnique({ where: { lineId } });
    return row?.data;
  }

  async saveData(opts: { lineId: number; data: string; at: Date }): Promise<void> {
    await this.db.client.lineSetting.upsert({
      where: { lineId: opts.lineId },
      create: { lineId: opts.lineId, data: opts.data, updatedAt: opts.at },
      update: { data: opts.data, updatedAt: opts.at },
    });
  }

  /** User ids of the line's operators, in queue order. */
  async listOperatorIds(lineId: number): Promise<number[]> {
    const rows = await this.db.client.lineOperator.findMany({
      where: { lineId },
      orderBy: [{ position: 'asc' }, { userId: 'asc' }],
    });
    return rows.map((r) => r.userId);
  }

  async replaceOperators(lineId: number, userIds: number[]): Promise<void> {
    await this.db.client.$transaction([
      this.db.client.lineOperator.deleteMany({ where: { lineId } }),
      this.db.client.lineOperator.createMany({
        data: userIds.map((userId, position) => ({ lineId, userId, position })),
      }),
    ]);
  }

  async isOperatorOf(opts: { lineId: number; userId: number }): Promise<boolean> {
    return (await this.db.client.lineOperator.count({ where: opts })) > 0;
  }

  /** Whether the user exists and is active (not disabled or removed). */
  async userExists(userId: number): Promise<boolean> {
    return (await this.db.client.user.count({ where: { id: userId, status: 'active' } })) > 0;
  }

  async removeOperatorFromAllLines(userId: number): Promise<void> {
    await this.db.client.lineOperator.deleteMany({ where: { userId } });
  }

  async linesOfOperator(userId: number): Promise<number[]> {
    const rows = await this.db.client.lineOperator.findMany({ where: { userId }, select: { lineId: true } });
    return rows.map((r) => r.lineId);
  }

  listQuickAnswers(lineId: number): Promise<QuickAnswer[]> {
    return this.db.client.quickAnswer.findMany({ where: { lineId }, orderBy: { id: 'asc' } });
  }

  createQuickAnswer(opts: { lineId: number; title: string; text: string; at: Date }): Promise<QuickAnswer> {
    const { at, ...data } = opts;
    return this.db.client.quickAnswer.create({ data: { ...data, createdAt: at, updatedAt: at } });
  }

  /** Null when the line has no such quick answer. */
  async updateQuickAnswer(opts: {
    lineId: number;
    id: number;
    title?: string;
    text?: string;
    at: Date;
  }): Promise<QuickAnswer | null> {
    const { count } = await this.db.client.quickAnswer.updateMany({
      where: { id: opts.id, lineId: opts.lineId },
      data: { title: opts.title, text: opts.text, updatedAt: opts.at },
    });
    return count ? this.db.client.quickAnswer.findUnique({ where: { id: opts.id } }) : null;
  }

  async deleteQuickAnswer(opts: { lineId: number; id: number }): Promise<boolean> {
    const { count } = await this.db.client.quickAnswer.deleteMany({ where: opts });
    return count > 0;
  }
}
