import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForbiddenException, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { AuthGuard } from './auth.guard.js';
import { Public, Roles, type ApiRequest, type Principal } from './principal.js';
import { TokenAuthenticator } from './token-authenticator.js';
import { TokenService } from './token.service.js';
import { UsersRepository } from './users.repository.js';

class Routes {
  @Public()
  open(): void {}

  anyone(): void {}

  @Roles('admin')
  adminsOnly(): void {}
}

function context(
  handler: keyof Routes,
  authorization?: string,
): { ctx: ExecutionContext; request: ApiRequest } {
  const request: ApiRequest = { headers: authorization === undefined ? {} : { authorization } };
  const ctx = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { ctx, request };
}

const principalOf = (u: User): Principal => ({
  userId: u.id,
  email: u.email,
  role: u.role as Principal['role'],
  tokenVersion: u.tokenVersion,
});

describe(AuthGuard.name, () => {
  let storage: TestStorage;
  let users: UsersRepository;
  let tokens: TokenService;
  let guard: AuthGuard;
  let admin: User;
  let operator: User;

  beforeAll(async () => {
    storage = await openTestStorage();
    users = new UsersRepository(storage.db);
    tokens = new TokenService(storage.config, storage.clock);
    guard = new AuthGuard(new Reflector(), new TokenAuthenticator(tokens, users));
    const at = storage.clock.now();
    admin = await users.create({ email: 'a@example.com', name: 'A', role: 'admin', passwordHash: 'x', at });
    operator = await users.create({
      email: 'o@example.com',
      name: 'O',
      role: 'operator',
      passwordHash: 'x',
      at,
    });
  });
  afterAll(async () => {
    await storage.close();
  });

  const bearer = async (u: User, version = u.tokenVersion) =>
    `Bearer ${(await tokens.issue({ ...principalOf(u), tokenVersion: version })).token}`;

  describe('canActivate', () => {
    it('should let anyone call a @Public() route', async () => {
      expect(await guard.canActivate(context('open').ctx)).toBe(true);
    });

    it('should refuse a missing or malformed Authorization header with 401', async () => {
      for (const header of [undefined, 'Basic abc', 'Bearer', 'token-without-scheme']) {
        await expect(guard.canActivate(context('anyone', header).ctx)).rejects.toBeInstanceOf(
          UnauthorizedException,
        );
      }
    });

    it('should attach the principal of a valid token, as the database has the user', async () => {
      const { ctx, request } = context('anyone', await bearer(operator));
      expect(await guard.canActivate(ctx)).toBe(true);
      expect(request.principal).toEqual(principalOf(operator));
    });

    it('should refuse an operator on an admin route with 403 and let an admin through', async () => {
      await expect(
        guard.canActivate(context('adminsOnly', await bearer(operator)).ctx),
      ).rejects.toBeInstanceOf(ForbiddenException);
      const adminHeader = (await bearer(admin)).replace('Bearer', 'bearer');
      expect(await guard.canActivate(context('adminsOnly', adminHeader).ctx)).toBe(true);
    });

    it('should take the role from the database, not from the token', async () => {
      const forgedRole = `Bearer ${(await tokens.issue({ ...principalOf(operator), role: 'admin' })).token}`;
      await expect(guard.canActivate(context('adminsOnly', forgedRole).ctx)).rejects.toBeInstanceOf(
        ForbiddenException,
      );
    });

    it('should refuse with 401 a token of an older version, an unknown user, a disabled or removed one', async () => {
      const at = storage.clock.now();
      const changing = await users.create({
        email: 'c@example.com',
        name: 'C',
        role: 'operator',
        passwordHash: 'x',
        at,
      });
      const old = await bearer(changing);
      const bumped = await users.setPasswordHash(changing.id, 'y');
      await expect(guard.canActivate(context('anyone', old).ctx)).rejects.toBeInstanceOf(
        UnauthorizedException,
      );
      expect(await guard.canActivate(context('anyone', await bearer(bumped)).ctx)).toBe(true);

      const ghost = `Bearer ${(await tokens.issue({ ...principalOf(operator), userId: 9999 })).token}`;
      await expect(guard.canActivate(context('anyone', ghost).ctx)).rejects.toBeInstanceOf(
        UnauthorizedException,
      );

      for (const status of ['disabled', 'removed'] as const) {
        const u = await users.create({
          email: `${status}@example.com`,
          name: status,
          role: 'operator',
          passwordHash: 'x',
          at,
        });
        expect(await users.revoke({ userId: u.id, status })).toBe(true);
        // Even a token that names the bumped version: the status alone refuses it.
        const current = await users.findById(u.id);
        await expect(
          guard.canActivate(context('anyone', await bearer(u, current?.tokenVersion)).ctx),
        ).rejects.toBeInstanceOf(UnauthorizedException);
      }
    });
  });
});
