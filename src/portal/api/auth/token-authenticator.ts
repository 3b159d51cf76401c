import { Injectable } from '@nestjs/common';
import { toRole } from './auth.dto.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

/**
 * A token is only as good as its user now: on every request the user must still exist, be active
 * and be on the token's version (a password change, disable or remove bumps it). The role comes
 * from the database too, not from the token.
 */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
  ) {}

  /** The caller of a valid, current token; null for any other. */
  async authenticate(token: string, opts: { audience?: string } = {}): Promise<Principal | null> {
    const claimed = await this.tokens.verify(token, opts);
    if (!claimed) return null;
    const user = await this.users.findById(claimed.userId);
    if (user?.status !== 'active' || user.tokenVersion !== claimed.tokenVersion) return null;
    return { userId: user.id, email: user.email, role: toRole(user.role), tokenVersion: user.tokenVersion };
  }
}
