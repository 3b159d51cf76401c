import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ManualClock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { generateKeySpec } from '../../../protocol/index.js';
import { AuthGuard } from './auth.guard.js';
import { Public, Roles, type ApiRequest } from './principal.js';
import { TokenService } from './token.service.js';

class Routes {
  @Public()
  open(): void {}

  anyone(): void {}

  @Roles('admin')
  adminsOnly(): void {}
}

const clock = new ManualClock();
const tokens = new TokenService(
  PortalConfig.fromEnv({
    AUTH_SECRET: 'c'.repeat(43),
    OLP_KEYS: generateKeySpec('k1'),
    DATA_DIR: '/nonexistent',
  }),
  clock,
);
const guard = new AuthGuard(new Reflector(), tokens);

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

describe(AuthGuard.name, () => {
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

    it('should attach the principal of a valid token', async () => {
      const { token } = await tokens.issue({ userId: 3, email: 'o@example.com', role: 'operator' });
      const { ctx, request } = context('anyone', `Bearer ${token}`);
      expect(await guard.canActivate(ctx)).toBe(true);
      expect(request.principal).toEqual({ userId: 3, email: 'o@example.com', role: 'operator' });
    });

    it('should refuse an operator on an admin route with 403 and let an admin through', async () => {
      const operator = await tokens.issue({ userId: 3, email: 'o@example.com', role: 'operator' });
      const admin = await tokens.issue({ userId: 1, email: 'a@example.com', role: 'admin' });
      await expect(
        guard.canActivate(context('adminsOnly', `Bearer ${operator.token}`).ctx),
      ).rejects.toBeInstanceOf(ForbiddenException);
      expect(await guard.canActivate(context('adminsOnly', `bearer ${admin.token}`).ctx)).toBe(true);
    });
  });
});
