import { Injectable } from '@nestjs/common';
import type { Session } from '../../../generated/portal-sqlite/client.js';
import { SessionQueryService } from '../../open-lines/sessions/session-query.service.js';
import { SessionsService } from '../../open-lines/sessions/sessions.service.js';
import type { Principal } from '../auth/principal.js';
import type { TransferRequest } from './sessions.dto.js';

/**
 * The REST side of operators' actions on sessions: a session the caller may not see answers
 * 404 before any rule of the action (not offered, not yours: 403) can tell that it exists.
 */
@Injectable()
export class SessionActionsService {
  constructor(
    private readonly query: SessionQueryService,
    private readonly sessions: SessionsService,
  ) {}

  async accept(user: Principal, id: number): Promise<Session> {
    await this.query.get(user, id);
    return this.sessions.accept(id, user.userId);
  }

  async skip(user: Principal, id: number): Promise<Session> {
    await this.query.get(user, id);
    return this.sessions.skip(id, user.userId);
  }

  async transfer(user: Principal, id: number, to: TransferRequest): Promise<Session> {
    await this.query.get(user, id);
    return 'toOperatorId' in to
      ? this.sessions.transferToOperator(id, user.userId, to.toOperatorId)
      : this.sessions.transferToLine(id, user.userId, to.toLineId);
  }

  async close(user: Principal, id: number): Promise<Session> {
    await this.query.get(user, id);
    return this.sessions.closeByOperator(id, user.userId);
  }
}
