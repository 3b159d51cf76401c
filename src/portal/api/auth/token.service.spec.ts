import { beforeEach, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ManualClock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { generateKeySpec } from '../../../protocol/index.js';
import type { Principal } from './principal.js';
import { TOKEN_TTL_SECONDS, TokenService } from './token.service.js';

const SECRET = 'a'.repeat(43);
const config = PortalConfig.fromEnv({
  AUTH_SECRET: SECRET,
  OLP_KEYS: generateKeySpec('k1'),
  DATA_DIR: '/nonexistent',
});
const operator: Principal = { userId: 7, email: 'olga@example.com', role: 'operator', tokenVersion: 3 };

describe(TokenService.name, () => {
  let clock: ManualClock;
  let tokens: TokenService;

  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    tokens = new TokenService(config, clock);
  });

  describe('issue', () => {
    it('should make a token that verifies back to the same principal', async () => {
      const { token, expiresAt } = await tokens.issue(operator);
      expect(expiresAt).toEqual(new Date(Date.UTC(2026, 0, 1) + TOKEN_TTL_SECONDS * 1000));
      expect(await tokens.verify(token)).toEqual(operator);
    });
  });

  describe('verify', () => {
    it('should refuse a token once it has expired', async () => {
      const { token } = await tokens.issue(operator);
      clock.advance(TOKEN_TTL_SECONDS * 1000 - 1000);
      expect(await tokens.verify(token)).toEqual(operator);
      clock.advance(2000);
      expect(await tokens.verify(token)).toBeNull();
    });

    it('should refuse a tampered token and one signed with another secret', async () => {
      const { token } = await tokens.issue(operator);
      const [header, , signature] = token.split('.');
      const adminClaims = Buffer.from(
        JSON.stringify({
          email: operator.email,
          role: 'admin',
          sub: '7',
          iss: 'switchboard-portal',
          aud: 'switchboard-api',
          iat: 1,
          exp: 2e9,
        }),
      ).toString('base64url');
      expect(await tokens.verify(`${header}.${adminClaims}.${signature}`)).toBeNull();

      const other = new TokenService(
        PortalConfig.fromEnv({
          AUTH_SECRET: 'b'.repeat(43),
          OLP_KEYS: generateKeySpec('k1'),
          DATA_DIR: '/nonexistent',
        }),
        clock,
      );
      expect(await tokens.verify((await other.issue(operator)).token)).toBeNull();
    });

    it('should refuse a token of another type, audience, without a version or with an unknown role', async () => {
      const key = new TextEncoder().encode(SECRET);
      const base = () =>
        new SignJWT({ email: 'x@example.com', role: 'admin', ver: 0 })
          .setSubject('1')
          .setIssuer('switchboard-portal')
          .setAudience('switchboard-api')
          .setIssuedAt(Math.floor(clock.nowMs() / 1000))
          .setExpirationTime(Math.floor(clock.nowMs() / 1000) + 60);
      const olpTyped = await base().setProtectedHeader({ alg: 'HS256', typ: 'olp+jwt' }).sign(key);
      const otherAudience = await base()
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setAudience('other')
        .sign(key);
      const noVersion = await new SignJWT({ email: 'x@example.com', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('1')
        .setIssuer('switchboard-portal')
        .setAudience('switchboard-api')
        .setIssuedAt(Math.floor(clock.nowMs() / 1000))
        .setExpirationTime(Math.floor(clock.nowMs() / 1000) + 60)
        .sign(key);
      const badRole = await new SignJWT({ email: 'x@example.com', role: 'root', ver: 0 })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('1')
        .setIssuer('switchboard-portal')
        .setAudience('switchboard-api')
        .setIssuedAt(Math.floor(clock.nowMs() / 1000))
        .setExpirationTime(Math.floor(clock.nowMs() / 1000) + 60)
        .sign(key);
      expect(
        await tokens.verify(await base().setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key)),
      ).not.toBeNull();
      for (const token of [olpTyped, otherAudience, noVersion, badRole, 'not.a.token', '']) {
        expect(await tokens.verify(token)).toBeNull();
      }
    });
  });
});
