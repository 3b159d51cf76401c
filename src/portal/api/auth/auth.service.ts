import { randomBytes } from 'node:crypto';
import { ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { toRole } from './auth.dto.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class AuthService {
  private unknownUserHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
  ) {}

  /** A token for the user with this email and password; 401 with the same words for either being wrong. */
  async login(email: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.users.findByEmail(email);
    // An unknown email still costs one bcrypt comparison, so timing does not tell which emails exist.
    const hash = user?.passwordHash ?? (await this.dummyHash());
    const matches = await this.hasher.verify(password, hash);
    if (!user || !matches) throw new UnauthorizedException('invalid email or password');
    const principal: Principal = { userId: user.id, email: user.email, role: toRole(user.role) };
    return { ...(await this.tokens.issue(principal)), user };
  }

  async me(principal: Principal): Promise<User> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new NotFoundException('this user no longer exists');
    return user;
  }

  /**
   * Sets a new password after checking the current one (403, not 401, when it is wrong: the
   * caller's token is fine). Tokens already issued stay valid until they expire.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.me(principal);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw new ForbiddenException('the current password is not right');
    }
    await this.users.setPasswordHash(user.id, await this.hasher.hash(newPassword));
  }

  private dummyHash(): Promise<string> {
    this.unknownUserHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.unknownUserHash;
  }
}
