import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { ROLES, type Principal } from './principal.js';

/** Lifetime of an API token; there is no refresh, the operator signs in again. */
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;

const ISSUER = 'switchboard-portal';
const AUDIENCE = 'switchboard-api';
// A distinct typ keeps these tokens and OLP packets (typ olp+jwt) from being taken for each other.
const TYP = 'JWT';

const claims = z.object({
  sub: z.string().regex(/^[1-9]\d*$/),
  email: z.string(),
  role: z.enum(ROLES),
  ver: z.number().int().min(0),
});

/** Signs and verifies the REST API's bearer tokens (JWT, HS256, keyed with AUTH_SECRET). */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    config: PortalConfig,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(config.authSecret);
  }

  /**
   * An API token; `audience` and `ttlSeconds` make a token for one other use instead (the stream
   * token), which verify() then accepts only when asked for that audience.
   */
  async issue(
    principal: Principal,
    opts: { audience?: string; ttlSeconds?: number } = {},
  ): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const exp = iat + (opts.ttlSeconds ?? TOKEN_TTL_SECONDS);
    const token = await new SignJWT({
      email: principal.email,
      role: principal.role,
      ver: principal.tokenVersion,
    })
      .setProtectedHeader({ alg: 'HS256', typ: TYP })
      .setSubject(String(principal.userId))
      .setIssuer(ISSUER)
      .setAudience(opts.audience ?? AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The token's principal, or null when it is malformed, forged, expired or not ours. This only
   * checks the signature; TokenAuthenticator also checks the user and version against the database.
   */
  async verify(token: string, opts: { audience?: string } = {}): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        typ: TYP,
        issuer: ISSUER,
        audience: opts.audience ?? AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: this.clock.now(),
      });
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return null;
      const { sub, email, role, ver } = parsed.data;
      return { userId: Number(sub), email, role, tokenVersion: ver };
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}
