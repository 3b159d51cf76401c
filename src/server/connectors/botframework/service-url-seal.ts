import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where in `message.conversation` the seal travels to the portal and back. */
export const SEAL_FIELD = 'switchboard_seal';

/** Whose calls a seal allows: one portal line connected to one bot. */
export interface SealScope {
  portalId: string;
  lineId: string;
  appId: string;
}

/** Service URLs compare without trailing slashes (`https://smba.trafficmanager.net/amer/`). */
export const normalizeServiceUrl = (url: string): string => url.replace(/\/+$/, '');

/**
 * The connector's guard against calling arbitrary URLs with the bot's token (SSRF): the service
 * URL and conversation of a verified activity are sealed with a key derived from the server key,
 * and the seal rides to the portal inside `message.conversation`, which the portal stores and
 * mixes back into replies. A reply is sent only to a (service URL, conversation) pair sealed for
 * the same portal line and bot, i.e. one the Bot Connector itself named in a verified activity.
 */
export class ServiceUrlSeal {
  private readonly key: Buffer;

  constructor(serverKey: Buffer) {
    this.key = createHmac('sha256', serverKey).update('switchboard/botframework/service-url').digest();
  }

  seal(scope: SealScope, serviceUrl: string, conversationId: string): string {
    return createHmac('sha256', this.key)
      .update(
        JSON.stringify([
          scope.portalId,
          scope.lineId,
          scope.appId,
          normalizeServiceUrl(serviceUrl),
          conversationId,
        ]),
      )
      .digest('base64url');
  }

  holds(scope: SealScope, serviceUrl: string, conversationId: string, seal: string): boolean {
    const expected = Buffer.from(this.seal(scope, serviceUrl, conversationId));
    const given = Buffer.from(seal);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
