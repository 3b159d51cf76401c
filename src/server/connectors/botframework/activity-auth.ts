import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../../common/clock.js';
import { HookRejected } from '../connector.js';
import { normalizeServiceUrl } from './service-url-seal.js';

/** Issuer of the tokens the Bot Connector service signs its activities with. */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com';

/** The Bot Framework allows five minutes of clock skew. */
const CLOCK_TOLERANCE_S = 300;
/** How long the OpenID metadata (the address of the key set) is kept before it is read again. */
const METADATA_TTL_MS = 24 * 3_600_000;

const metadataSchema = z.looseObject({ jwks_uri: z.url() });

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/** Token failures that mean "not from the Bot Connector": answered 401. */
const REFUSED_TOKEN_ERRORS = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

/**
 * Checks the `Authorization: Bearer <JWT>` of an incoming activity as the Bot Framework
 * authentication spec asks: RS256, signed by a key of the set that the OpenID metadata names
 * (read through `jose`'s remote key set, which caches the keys and reloads them for an unknown
 * kid), issuer https://api.botframework.com, audience the bot's app id, not expired, and a
 * `serviceUrl` claim, when there is one, equal to the activity's serviceUrl, and a signing key
 * endorsed for the activity's channelId (the key set lists, per key, the channels it may sign
 * for). Shared by every line: the key set does not depend on the bot.
 */
export class ActivityAuth {
  private keys?: { set: Promise<RemoteKeySet>; readAt: number };

  constructor(
    private readonly metadataUrl: string,
    private readonly clock: Clock,
  ) {}

  async verify(
    authorization: string | undefined,
    expected: { appId: string; serviceUrl: string; channelId: string },
  ): Promise<void> {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new HookRejected(401, 'a Bot Connector bearer token is required');
    const keys = await this.keySet();
    let endorsements: unknown;
    // The remote set picks the key by kid; its JWK (with `endorsements`) is read from the same set.
    const signingKey: JWTVerifyGetKey = async (header, jws) => {
      // Without a kid the endorsements could not be told; the Bot Connector always names its key.
      if (header.kid === undefined)
        throw new errors.JWKSNoMatchingKey('the token names no signing key (kid)');
      const key = await keys(header, jws);
      const jwk = keys.jwks()?.keys.find((k) => k.kid === header.kid) as Record<string, unknown> | undefined;
      endorsements = jwk?.endorsements;
      return key;
    };
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, signingKey, {
        issuer: BOT_CONNECTOR_ISSUER,
        audience: expected.appId,
        algorithms: ['RS256'],
        currentDate: this.clock.now(),
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (REFUSED_TOKEN_ERRORS.some((type) => err instanceof type)) {
        throw new HookRejected(401, `the Bot Connector token is not valid: ${(err as Error).message}`);
      }
      throw err;
    }
    const claimed = claims.serviceUrl ?? claims.serviceurl;
    if (
      claimed !== undefined &&
      (typeof claimed !== 'string' ||
        normalizeServiceUrl(claimed) !== normalizeServiceUrl(expected.serviceUrl))
    ) {
      throw new HookRejected(403, 'the token was issued for another serviceUrl than the activity names');
    }
    // An activity without a channelId claims no channel (it is refused later as not an Activity).
    if (
      Array.isArray(endorsements) &&
      expected.channelId !== '' &&
      !endorsements.includes(expected.channelId)
    ) {
      throw new HookRejected(
        403,
        `the signing key is not endorsed for channel "${expected.channelId}" that the activity names`,
      );
    }
  }

  private keySet(): Promise<RemoteKeySet> {
    const now = this.clock.nowMs();
    if (!this.keys || now - this.keys.readAt >= METADATA_TTL_MS) {
      const set = this.readMetadata();
      this.keys = { set, readAt: now };
      // A failed read is not kept: the next activity tries again.
      set.catch(() => {
        if (this.keys?.set === set) this.keys = undefined;
      });
    }
    return this.keys.set;
  }

  private async readMetadata(): Promise<RemoteKeySet> {
    const res = await fetch(this.metadataUrl, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok)
      throw new Error(`Bot Framework OpenID metadata: HTTP ${res.status} from ${this.metadataUrl}`);
    const metadata = metadataSchema.parse(await res.json());
    return createRemoteJWKSet(new URL(metadata.jwks_uri));
  }
}
