import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import type { Principal } from '../auth/principal.js';
import { TokenService } from '../auth/token.service.js';

const ISSUER = 'switchboard-portal';
// Its own audience: a stream token opens the stream and nothing else, and an API token put in
// a URL (where logs and histories keep it) is not accepted there.
const AUDIENCE = 'switchboard-stream';

/**
 * Short-lived tokens for GET /api/stream?token=…, since a browser's EventSource cannot send an
 * Authorization header. They live STREAM_TOKEN_TTL_SECONDS (a minute by default): long enough
 * to open the stream, which then stays open.
 */
@Injectable()
export class StreamTokenService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;

  constructor(
    config: PortalConfig,
    private readonly clock: Clock,
    private readonly tokens: TokenService,
  ) {
    this.key = new TextEncoder().encode(config.authSecret);
    this.ttlSeconds = config.stream.tokenTtlSeconds;
  }

  async issue(principal: Principal): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.clock.nowMs() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ email: principal.email, role: principal.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(principal.userId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The principal of a stream token, or null when it is not a valid, unexpired one. */
  async verify(token: string): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: this.clock.now(),
      });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || !/^[1-9]\d*$/.test(payload.sub)) return null;
      if (role !== 'admin' && role !== 'operator') return null;
      if (typeof payload.email !== 'string') return null;
      return { userId: Number(payload.sub), email: payload.email, role };
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }

  /** A bearer header's API token or a query stream token, whichever is given and valid. */
  async authenticate(opts: { authorization?: string; queryToken?: string }): Promise<Principal | null> {
    const bearer = /^Bearer +(\S+)\s*$/i.exec(opts.authorization ?? '')?.[1];
    if (bearer) return this.tokens.verify(bearer);
    if (opts.queryToken) return this.verify(opts.queryToken);
    return null;
  }
}
