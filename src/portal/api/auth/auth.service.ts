import { randomBytes } from 'node:crypto';
import {
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { PortalEvents } from '../../events/portal-events.js';
import { toRole } from './auth.dto.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

export interface Issued {
  token: string;
  expiresAt: Date;
  user: User;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private unknownUserHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly events: PortalEvents,
  ) {}

  /**
   * A token for the active user with this email and password; 401 with the same words for either
   * being wrong (and for a disabled or removed user), 429 while the account or address must wait.
   */
  async login(opts: { email: string; password: string; address: string }): Promise<Issued> {
    const { email, address } = opts;
    await this.throttle.attempt({ email, address });
    const found = await this.users.findByEmail(email);
    const user = found?.status === 'active' ? found : null;
    // An unknown email still costs one bcrypt comparison, so timing does not tell which emails exist.
    const hash = user?.passwordHash ?? (await this.dummyHash());
    const matches = await this.hasher.verify(opts.password, hash);
    if (!user || !matches) {
      this.logger.log(`sign-in as ${email} from ${address} failed`);
      throw new UnauthorizedException('invalid email or password');
    }
    await this.throttle.succeeded({ email, address });
    return this.issue(user);
  }

  async me(principal: Principal): Promise<User> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new NotFoundException('this user no longer exists');
    return user;
  }

  /**
   * Sets a new password after checking the current one (403, not 401, when it is wrong: the
   * caller's token is fine). Every token issued before stops working, streams are closed; the
   * caller gets a fresh token to go on with.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<Issued> {
    const user = await this.me(principal);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw new ForbiddenException('the current password is not right');
    }
    const changed = await this.users.setPasswordHash(user.id, await this.hasher.hash(newPassword));
    await this.events.emit('UserAccessRevoked', { userId: user.id });
    return this.issue(changed);
  }

  private async issue(user: User): Promise<Issued> {
    const principal: Principal = {
      userId: user.id,
      email: user.email,
      role: toRole(user.role),
      tokenVersion: user.tokenVersion,
    };
    return { ...(await this.tokens.issue(principal)), user };
  }

  private dummyHash(): Promise<string> {
    this.unknownUserHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.unknownUserHash;
  }
}
