import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { PortalEvents } from '../../events/portal-events.js';
import { AuthService } from './auth.service.js';
import { LOGIN_LIMITS, LoginThrottle, LoginThrottledException } from './login-throttle.js';
import { LoginThrottlesRepository } from './login-throttles.repository.js';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

describe(AuthService.name, () => {
  let storage: TestStorage;
  let auth: AuthService;
  let tokens: TokenService;
  let users: UsersRepository;
  let throttles: LoginThrottlesRepository;
  const address = '192.0.2.1';

  beforeAll(async () => {
    storage = await openTestStorage();
    const hasher = new PasswordHasher();
    users = new UsersRepository(storage.db);
    tokens = new TokenService(storage.config, storage.clock);
    throttles = new LoginThrottlesRepository(storage.db);
    auth = new AuthService(
      users,
      hasher,
      tokens,
      new LoginThrottle(throttles, storage.clock),
      new PortalEvents(new EventEmitter2()),
    );
    for (const email of ['olga@example.com', 'dana@example.com']) {
      await users.create({
        email,
        name: email,
        role: 'operator',
        passwordHash: await hasher.hash('correct horse'),
        at: storage.clock.now(),
      });
    }
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(async () => {
    // Every test starts with fresh counters, well after the earlier ones' attempts.
    storage.clock.advance(24 * 3600_000);
    await throttles.reset(`address:${address}`);
  });

  describe('login', () => {
    it('should return a token carrying the user, role and token version', async () => {
      const { token, user } = await auth.login({
        email: 'olga@example.com',
        password: 'correct horse',
        address,
      });
      expect(user.email).toBe('olga@example.com');
      expect(await tokens.verify(token)).toEqual({
        userId: user.id,
        email: 'olga@example.com',
        role: 'operator',
        tokenVersion: 0,
      });
    });

    it('should refuse a wrong password and an unknown email alike', async () => {
      const wrong = auth.login({ email: 'olga@example.com', password: 'battery staple', address });
      const unknown = auth.login({ email: 'nobody@example.com', password: 'correct horse', address });
      await expect(wrong).rejects.toThrow(new UnauthorizedException('invalid email or password'));
      await expect(unknown).rejects.toThrow(new UnauthorizedException('invalid email or password'));
    });

    it('should make an account wait after its free attempts, even for the right password', async () => {
      const email = 'dana@example.com';
      for (let i = 0; i <= LOGIN_LIMITS.account.free; i++) {
        await expect(auth.login({ email, password: 'wrong', address })).rejects.toBeInstanceOf(
          UnauthorizedException,
        );
      }
      const refused = auth.login({ email, password: 'correct horse', address });
      await expect(refused).rejects.toBeInstanceOf(LoginThrottledException);
      await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 1 });

      storage.clock.advance(1000);
      await expect(auth.login({ email, password: 'wrong', address })).rejects.toBeInstanceOf(
        UnauthorizedException,
      );
      // The wait doubles: 2 s now.
      storage.clock.advance(1999);
      await expect(auth.login({ email, password: 'correct horse', address })).rejects.toMatchObject({
        retryAfterSeconds: 1,
      });
      storage.clock.advance(1);
      await expect(auth.login({ email, password: 'correct horse', address })).resolves.toBeTruthy();
      // A success starts the account over.
      expect(await throttles.find(`account:${email}`)).toBeNull();
    });

    it('should make an address wait after its free attempts, whatever the account', async () => {
      for (let i = 0; i <= LOGIN_LIMITS.address.free; i++) {
        await expect(
          auth.login({ email: `guess${i}@example.com`, password: 'wrong', address }),
        ).rejects.toBeInstanceOf(UnauthorizedException);
      }
      await expect(
        auth.login({ email: 'olga@example.com', password: 'correct horse', address }),
      ).rejects.toBeInstanceOf(LoginThrottledException);
      await expect(
        auth.login({ email: 'olga@example.com', password: 'correct horse', address: '192.0.2.2' }),
      ).resolves.toBeTruthy();
    });

    it('should refuse a disabled user with the right password', async () => {
      const u = await users.create({
        email: 'gone@example.com',
        name: 'Gone',
        role: 'operator',
        passwordHash: await new PasswordHasher().hash('correct horse'),
        at: storage.clock.now(),
      });
      await users.revoke({ userId: u.id, status: 'disabled' });
      await expect(
        auth.login({ email: 'gone@example.com', password: 'correct horse', address }),
      ).rejects.toThrow(new UnauthorizedException('invalid email or password'));
    });
  });
});
