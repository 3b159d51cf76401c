import { Injectable } from '@nestjs/common';
import type { Chat } from '../../../generated/portal-sqlite/client.js';
import { ChatAccessRepository } from './chat-access.repository.js';
import { ALL_LINES, type LineScope } from './line-scope.js';

/** The acting user, as the API's principal names them. */
export interface Actor {
  userId: number;
  role: 'admin' | 'operator';
}

/**
 * Who may answer in a chat: admins always; an operator when the chat's open session is
 * assigned to them, or, with no open session, when they are one of the line's operators.
 */
@Injectable()
export class ChatAccessService {
  constructor(private readonly access: ChatAccessRepository) {}

  async mayAct(actor: Actor, chat: Chat): Promise<boolean> {
    if (actor.role === 'admin') return true;
    const session = await this.access.openSession(chat.id);
    if (session) return session.operatorId === actor.userId;
    return this.access.isLineOperator({ lineId: chat.lineId, userId: actor.userId });
  }

  /**
   * What the actor may see: every line for an admin, their own lines (and what is assigned to
   * them) for an operator. Read per request, so a change of the line's operators counts at once.
   */
  async scopeOf(actor: Actor): Promise<LineScope> {
    if (actor.role === 'admin') return ALL_LINES;
    return { all: false, lineIds: await this.access.linesOf(actor.userId), userId: actor.userId };
  }
}
