import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { RoutingDecision, Session, SessionHistory } from '../../../generated/portal-sqlite/client.js';
import { ChatAccessService, type Actor } from '../replies/chat-access.service.js';
import { inScope } from '../replies/line-scope.js';
import { SessionsRepository, type SessionStatus } from './sessions.repository.js';

/**
 * What the API reads about sessions, limited to what the caller may see (their LineScope, in
 * the query): a session they may not see answers 404, as if it did not exist.
 */
@Injectable()
export class SessionQueryService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly access: ChatAccessService,
  ) {}

  /** Admins see every line; an operator the lines they serve and their own sessions. */
  async list(
    reader: Actor,
    q: { lineId?: number; status?: SessionStatus; mine?: 'true' | 'false'; limit: number },
  ): Promise<Session[]> {
    return this.repo.list({
      scope: await this.access.scopeOf(reader),
      lineId: q.lineId,
      operatorId: q.mine === 'true' ? reader.userId : undefined,
      statuses: q.status ? [q.status] : undefined,
      limit: q.limit,
    });
  }

  async queue(reader: Actor, q: { lineId: number; limit: number }): Promise<Session[]> {
    // Lines are no secret (GET /api/lines lists them all), so this is a refusal, not a 404.
    if (!inScope(await this.access.scopeOf(reader), String(q.lineId))) {
      throw new ForbiddenException(`you are not an operator of line ${q.lineId}`);
    }
    return this.repo.listWaiting({ lineId: q.lineId, limit: q.limit });
  }

  /** The session, or 404 when there is none the reader may see. */
  async get(reader: Actor, id: number): Promise<Session> {
    const s = await this.repo.findInScope({ id, scope: await this.access.scopeOf(reader) });
    if (!s) throw new NotFoundException(`session ${id} does not exist`);
    return s;
  }

  async history(
    reader: Actor,
    id: number,
  ): Promise<{ history: SessionHistory[]; decisions: RoutingDecision[] }> {
    await this.get(reader, id);
    const [history, decisions] = await Promise.all([this.repo.listHistory(id), this.repo.listDecisions(id)]);
    return { history, decisions };
  }
}
