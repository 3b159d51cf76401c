import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

describe(AuthService.name, () => {
  let storage: TestStorage;
  let auth: AuthService;
  let tokens: TokenService;

  beforeAll(async () => {
    storage = await openTestStorage();
    const hasher = new PasswordHasher();
    const users = new UsersRepository(storage.db);
    tokens = new TokenService(storage.config, storage.clock);
    auth = new AuthService(users, hasher, tokens);
    await users.create({
      email: 'olga@example.com',
      name: 'Olga',
      role: 'operator',
      passwordHash: await hasher.hash('correct horse'),
      at: storage.clock.now(),
    });
  });
  afterAll(async () => {
    await storage.close();
  });

  describe('login', () => {
    it('should return a token carrying the user and role', async () => {
      const { token, user } = await auth.login('olga@example.com', 'correct horse');
      expect(user.email).toBe('olga@example.com');
      expect(await tokens.verify(token)).toEqual({
        userId: user.id,
        email: 'olga@example.com',
        role: 'operator',
      });
    });

    it('should refuse a wrong password and an unknown email alike', async () => {
      const wrong = auth.login('olga@example.com', 'battery staple');
      const unknown = auth.login('nobody@example.com', 'correct horse');
      await expect(wrong).rejects.toThrow(new UnauthorizedException('invalid email or password'));
      await expect(unknown).rejects.toThrow(new UnauthorizedException('invalid email or password'));
    });
  });
});
