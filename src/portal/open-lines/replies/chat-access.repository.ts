import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service.js';
import { parseRowId } from '../row-id.js';

/** What decides whether an operator may act in a chat: its open session and the line's operators. */
@Injectable()
export class ChatAccessRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The chat's open session (any status but closed), or null. */
  openSession(chatId: number): Promise<{ operatorId: number | null } | null> {
    return this.db.client.session.findFirst({
      where: { chatId, status: { not: 'closed' } },
      select: { operatorId: true },
    });
  }

  async isLineOperator(opts: { lineId: string; userId: number }): Promise<boolean> {
    const lineId = parseRowId(opts.lineId);
    if (lineId === null) return false;
    const row = await this.db.client.lineOperator.findUnique({
      where: { lineId_userId: { lineId, userId: opts.userId } },
      select: { userId: true },
    });
    return row !== null;
  }

  /** The portal line ids (as chats name them) that the user is an operator of. */
  async linesOf(userId: number): Promise<string[]> {
    const rows = await this.db.client.lineOperator.findMany({ where: { userId }, select: { lineId: true } });
    return rows.map((r) => String(r.lineId));
  }
}
