import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { PortalEvents } from '../../events/portal-events.js';
import { OperatorDeparture } from '../../open-lines/routing/operator-departure.service.js';
import type { Principal, UserStatus } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';

/**
 * Disables, enables and removes users. Disabling and removing bump the token version (every token
 * and open stream of theirs ends at once) and hand their chats on; nobody can do it to themselves
 * or to the last active admin, so the portal always keeps someone who can manage it.
 */
@Injectable()
export class UserAccessService {
  constructor(
    private readonly users: UsersRepository,
    private readonly departure: OperatorDeparture,
    private readonly events: PortalEvents,
  ) {}

  async setStatus(actor: Principal, userId: number, status: Exclude<UserStatus, 'removed'>): Promise<User> {
    if (status === 'active') {
      await this.find(userId);
      await this.users.enable(userId);
    } else {
      await this.revoke(actor, userId, 'disabled');
    }
    return this.find(userId);
  }

  /** Returns how many chats were handed on. */
  async remove(actor: Principal, userId: number): Promise<number> {
    return this.revoke(actor, userId, 'removed');
  }

  private async revoke(actor: Principal, userId: number, status: 'disabled' | 'removed'): Promise<number> {
    const verb = status === 'removed' ? 'remove' : 'disable';
    if (userId === actor.userId) throw new BadRequestException(`you cannot ${verb} yourself`);
    const user = await this.find(userId);
    if (!(await this.users.revoke({ userId, status }))) {
      throw new BadRequestException(
        `cannot ${verb} ${user.email}: the last active admin (make another admin first)`,
      );
    }
    await this.events.emit('UserAccessRevoked', { userId });
    return this.departure.depart({ userId, removed: status === 'removed' });
  }

  private async find(userId: number): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || user.status === 'removed') throw new NotFoundException(`user ${userId} does not exist`);
    return user;
  }
}
