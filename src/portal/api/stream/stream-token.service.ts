import { Injectable } from '@nestjs/common';
import { PortalConfig } from '../../config.js';
import type { Principal } from '../auth/principal.js';
import { TokenAuthenticator } from '../auth/token-authenticator.js';
import { TokenService } from '../auth/token.service.js';

// Its own audience: a stream token opens the stream and nothing else, and an API token put in
// a URL (where logs and histories keep it) is not accepted there.
const STREAM_AUDIENCE = 'switchboard-stream';

/**
 * Short-lived tokens for GET /api/stream?token=…, since a browser's EventSource cannot send an
 * Authorization header. They live STREAM_TOKEN_TTL_SECONDS (a minute by default): long enough
 * to open the stream, which then stays open.
 */
@Injectable()
export class StreamTokenService {
  private readonly ttlSeconds: number;

  constructor(
    config: PortalConfig,
    private readonly tokens: TokenService,
    private readonly authenticator: TokenAuthenticator,
  ) {
    this.ttlSeconds = config.stream.tokenTtlSeconds;
  }

  issue(principal: Principal): Promise<{ token: string; expiresAt: Date }> {
    return this.tokens.issue(principal, { audience: STREAM_AUDIENCE, ttlSeconds: this.ttlSeconds });
  }

  /** A bearer header's API token or a query stream token, whichever is given and valid. */
  async authenticate(opts: { authorization?: string; queryToken?: string }): Promise<Principal | null> {
    const bearer = /^Bearer +(\S+)\s*$/i.exec(opts.authorization ?? '')?.[1];
    if (bearer) return this.authenticator.authenticate(bearer);
    if (opts.queryToken)
      return this.authenticator.authenticate(opts.queryToken, { audience: STREAM_AUDIENCE });
    return null;
  }
}
