import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Clock } from '../../../common/clock.js';
import {
  authError,
  MAX_BODY_BYTES,
  OlpError,
  verifyPacket,
  type OlpClaims,
} from '../../../protocol/index.js';
import { PortalConfig } from '../../config.js';
import { JtiReplayCache } from './jti-replay-cache.js';

/** Metadata key set by @OlpSigned(). */
export const OLP_SIGNED = 'olp:signed';

/** What the guard attaches to a request it let through. */
export interface VerifiedPacket {
  claims: OlpClaims;
}

export type OlpRequest = RawBodyRequest<FastifyRequest> & { olp?: VerifiedPacket };

/**
 * Verifies an OLP/1 packet exactly as the contract says, over the raw body bytes, before the
 * body is validated or handled. Order matters: size first (no hashing of oversized bodies), then
 * every signature rule, and the jti is recorded only after all of them held (verifyPacket does that
 * last), so a refused packet leaves nothing behind.
 */
@Injectable()
export class OlpSignatureGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: PortalConfig,
    private readonly replay: JtiReplayCache,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const signed = this.reflector.getAllAndOverride<boolean | undefined>(OLP_SIGNED, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!signed) return true;

    const req = context.switchToHttp().getRequest<OlpRequest>();
    const rawBody = req.rawBody;
    if (!rawBody) {
      throw new OlpError(
        400,
        'MALFORMED_PACKET',
        'the body must be a JSON object sent as application/json',
        'body',
      );
    }
    if (rawBody.length > MAX_BODY_BYTES) {
      throw new OlpError(413, 'PACKET_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    const claims = await verifyPacket({
      token: bearerToken(req.headers.authorization),
      rawBody,
      command: commandOf(req.body),
      self: this.config.portalId,
      keysFor: (iss) => (iss === this.config.serverId ? this.config.olpKeys : undefined),
      rememberJti: (iss, jti, expiresAt) => this.replay.remember(iss, jti, expiresAt),
      now: Math.floor(this.clock.nowMs() / 1000),
    });
    req.olp = { claims };
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer +(\S+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) throw authError('SIGNATURE_INVALID', 'an Authorization: Bearer <JWS> header is required');
  return match[1];
}

/**
 * body.command only as far as the cmd claim needs it. A body without a string command cannot
 * match any cmd claim, so it is refused as a signature mismatch before anything else looks at it.
 */
function commandOf(body: unknown): string {
  const command =
    typeof body === 'object' && body !== null ? (body as { command?: unknown }).command : undefined;
  return typeof command === 'string' ? command : '';
}
