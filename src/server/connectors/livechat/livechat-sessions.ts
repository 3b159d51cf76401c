import { hkdfSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { Clock } from '../../../common/clock.js';
import { ServerConfig } from '../../config.js';

/** A verified visitor session. */
export interface VisitorSession {
  visitorId: string;
  name: string | undefined;
  url: string | undefined;
}

/** Why a session token was refused. */
export class SessionRefused extends Error {
  override name = 'SessionRefused';
}

const AUDIENCE = 'switchboard-livechat';

/** The identity of a line a token is bound to: another line's token never verifies. */
export interface SessionLine {
  ref: number;
  portalId: string;
  lineId: string;
}

/**
 * Visitor session tokens: HS256 JWTs whose key is derived from the server key for each line
 * (HKDF), so the server keeps no session table and a token of one line is worthless on another.
 */
@Injectable()
export class LiveChatSessions {
  constructor(
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async issue(line: SessionLine, visitor: VisitorSession): Promise<{ token: string; expiresAt: Date }> {
    const nowSec = Math.floor(this.clock.nowMs() / 1000);
    const expSec = nowSec + Math.floor(this.config.livechat.sessionTtlMs / 1000);
    const token = await new SignJWT({
      ...(visitor.name !== undefined && { name: visitor.name }),
      ...(visitor.url !== undefined && { url: visitor.url }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(visitor.visitorId)
      .setAudience(AUDIENCE)
      .setIssuedAt(nowSec)
      .setExpirationTime(expSec)
      .sign(this.key(line));
    return { token, expiresAt: new Date(expSec * 1000) };
  }

  /** The session the token names; throws SessionRefused for a missing, foreign, forged or expired token. */
  async verify(line: SessionLine, token: string | undefined): Promise<VisitorSession> {
    if (!token) throw new SessionRefused('a session token is required');
    try {
      const { payload } = await jwtVerify(token, this.key(line), {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp'],
      });
      return {
        visitorId: payload.sub as string,
        name: typeof payload.name === 'string' ? payload.name : undefined,
        url: typeof payload.url === 'string' ? payload.url : undefined,
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new SessionRefused('the session has expired');
      if (err instanceof joseErrors.JOSEError) throw new SessionRefused('the session token is not valid');
      throw err;
    }
  }

  private key(line: SessionLine): Uint8Array {
    const info = `livechat-session|${line.ref}|${line.portalId}|${line.lineId}`;
    return new Uint8Array(hkdfSync('sha256', this.config.serverKey, 'switchboard', info, 32));
  }
}

/** The token of a request: `Authorization: Bearer …`, or `?token=` where headers cannot be set (EventSource). */
export function sessionTokenOf(
  headers: Record<string, string | string[] | undefined>,
  query: Record<string, string | undefined>,
): string | undefined {
  const auth = headers.authorization;
  const header = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
  return header ?? (query.token || undefined);
}
