import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { Clock } from '../../common/clock.js';
import {
  authError,
  envelopeSchema,
  MAX_BODY_BYTES,
  OlpError,
  parseOrThrow,
  verifyPacket,
} from '../../protocol/index.js';
import { ServerConfig } from '../config.js';
import { PortalRegistry } from '../portals/portal-registry.service.js';
import { JtiRepository } from './jti.repository.js';
import type { OlpRequest } from './olp-packet.js';

/** The token's issuer, read before verification only to pick the key ring. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Admits only packets signed by a registered portal for this server (OLP/1 "Transport"): size,
 * envelope, then the JWS with the portal's key ring and the durable jti cache. The verified
 * packet is attached to the request; nothing of a refused one is processed or stored.
 */
@Injectable()
export class OlpSignatureGuard implements CanActivate {
  constructor(
    private readonly config: ServerConfig,
    private readonly registry: PortalRegistry,
    private readonly jtis: JtiRepository,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<OlpRequest>();
    const raw = req.rawBody;
    if (!raw) throw new OlpError(400, 'MALFORMED_PACKET', 'the body must be a JSON object', 'body');
    if (raw.length > MAX_BODY_BYTES) {
      throw new OlpError(413, 'PACKET_TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    const envelope = parseOrThrow(envelopeSchema, req.body, 'body');
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw authError('SIGNATURE_INVALID', 'an Authorization: Bearer <JWS> header is required');

    const iss = unverifiedIssuer(token);
    const portal = iss === undefined ? undefined : await this.registry.get(iss);
    const now = this.clock.now();
    const claims = await verifyPacket({
      token,
      rawBody: raw,
      command: envelope.command,
      self: this.config.serverId,
      keysFor: (issuer) => (portal && issuer === portal.id ? portal.keys : undefined),
      rememberJti: (issuer, jti, expiresAt) => this.jtis.remember({ iss: issuer, jti, expiresAt, now }),
      now: Math.floor(now.getTime() / 1000),
    });
    req.olp = { portalId: claims.iss, ...envelope };
    return true;
  }
}
