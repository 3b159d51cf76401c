import { ForbiddenException, Injectable } from '@nestjs/common';
import type { RoutingDecision, Session, SessionHistory } from '../../../generated/portal-sqlite/client.js';
import { LineSettingsRepository } from '../line-settings/line-settings.repository.js';
import { SessionsRepository, type SessionStatus } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';

/** The acting user, as the API's principal names them. */
export interface SessionReader {
  userId: number;
  role: 'admin' | 'operator';
}

/** What the API reads about sessions, limited to what the caller may see. */
@Injectable()
export class SessionQueryService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly lineOperators: LineSettingsRepository,
    private readonly sessions: SessionsService,
  ) {}

  /** Admins see every line; an operator the lines they serve and their own sessions. */
  async list(
    reader: SessionReader,
    q: { lineId?: number; status?: SessionStatus; mine?: 'true' | 'false'; limit: number },
  ): Promise<Session[]> {
    const mine = q.mine === 'true';
    let lineIds = q.lineId === undefined ? undefined : [q.lineId];
    if (reader.role !== 'admin' && !mine) {
      const own = await this.lineOperators.linesOfOperator(reader.userId);
      lineIds = lineIds ? lineIds.filter((id) => own.includes(id)) : own;
    }
    return this.repo.list({
      lineIds,
      operatorId: mine ? reader.userId : undefined,
      statuses: q.status ? [q.status] : undefined,
      limit: q.limit,
    });
  }

  async queue(reader: SessionReader, q: { lineId: number; limit: number }): Promise<Session[]> {
    if (
      reader.role !== 'admin' &&
      !(await this.lineOperators.isOperatorOf({ lineId: q.lineId, userId: reader.userId }))
    ) {
      throw new ForbiddenException(`you are not an operator of line ${q.lineId}`);
    }
    return this.repo.listWaiting({ lineId: q.lineId, limit: q.limit });
  }

  async history(id: number): Promise<{ history: SessionHistory[]; decisions: RoutingDecision[] }> {
    await this.sessions.get(id);
    const [history, decisions] = await Promise.all([this.repo.listHistory(id), this.repo.listDecisions(id)]);
    return { history, decisions };
  }
}
