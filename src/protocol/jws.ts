import { createHash, randomUUID, webcrypto, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, decodeJwt } from 'jose';
import { authError } from './errors.js';
import type { KeyRing } from './keys.js';

type CryptoKey = webcrypto.CryptoKey;

/**
 * jose works on WebCrypto keys and converts a KeyObject on every call; converting each key once
 * saves about a third of a verification's CPU time, on every packet.
 */
const cryptoKeys = new WeakMap<KeyObject, Promise<CryptoKey>>();
function cryptoKeyOf(key: KeyObject): Promise<CryptoKey> {
  let cryptoKey = cryptoKeys.get(key);
  if (!cryptoKey) {
    cryptoKey = webcrypto.subtle.importKey('raw', key.export(), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    cryptoKeys.set(key, cryptoKey);
  }
  return cryptoKey;
}

export const OLP_TYP = 'olp+jwt';
export const OLP_ALG = 'HS256';
/** Longest allowed token life, and the window in which iat must lie. */
export const MAX_TOKEN_AGE_S = 300;
export const CLOCK_TOLERANCE_S = 30;
/** How long a jti is remembered per issuer. */
export const REPLAY_WINDOW_S = 600;
export const MAX_JTI_LENGTH = 128;

export interface OlpClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  cmd: string;
  bh: string;
}

export function bodyHash(raw: Uint8Array | string): string {
  return createHash('sha256').update(raw).digest('base64url');
}

export interface SignOptions {
  iss: string;
  aud: string;
  command: string;
  rawBody: Uint8Array | string;
  keys: KeyRing;
  /** Unix seconds; defaults to now. */
  now?: number;
  ttlSeconds?: number;
  jti?: string;
}

export async function signPacket(opts: SignOptions): Promise<string> {
  const iat = opts.now ?? Math.floor(Date.now() / 1000);
  const ttl = Math.min(opts.ttlSeconds ?? 120, MAX_TOKEN_AGE_S);
  return new SignJWT({ cmd: opts.command, bh: bodyHash(opts.rawBody) })
    .setProtectedHeader({ alg: OLP_ALG, typ: OLP_TYP, kid: opts.keys.signing.kid })
    .setIssuer(opts.iss)
    .setAudience(opts.aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(opts.jti ?? randomUUID())
    .sign(await cryptoKeyOf(opts.keys.signing.key));
}

export interface VerifyOptions {
  token: string;
  rawBody: Uint8Array | string;
  /** body.command as parsed; must equal the cmd claim. */
  command: string;
  /** Our own id: the expected audience. */
  self: string;
  /** Key ring of a known issuer, or undefined for a stranger. */
  keysFor: (iss: string) => KeyRing | undefined;
  /** Records (iss, jti) until expiresAt; resolves false when it was already there. */
  rememberJti: (iss: string, jti: string, expiresAt: Date) => Promise<boolean>;
  /** Unix seconds; defaults to now. */
  now?: number;
}

/**
 * Verifies an OLP/1 bearer token against the raw body, in the order the contract gives,
 * throwing an OlpError (401) with the contract's code on the first failure.
 */
export async function verifyPacket(opts: VerifyOptions): Promise<OlpClaims> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverifiedIss: unknown;
  try {
    header = decodeProtectedHeader(opts.token);
    unverifiedIss = decodeJwt(opts.token).iss;
  } catch {
    throw authError('SIGNATURE_INVALID', 'the bearer token is not a JWS in compact form');
  }
  if (header.alg !== OLP_ALG) throw authError('SIGNATURE_INVALID', `alg must be ${OLP_ALG}`);
  if (header.typ !== OLP_TYP) throw authError('SIGNATURE_INVALID', `typ must be ${OLP_TYP}`);
  if (typeof unverifiedIss !== 'string') throw authError('SIGNATURE_INVALID', 'iss claim is missing');
  const ring = opts.keysFor(unverifiedIss);
  const key = typeof header.kid === 'string' ? ring?.byKid.get(header.kid) : undefined;
  if (!key)
    throw authError('UNKNOWN_KEY', `no key "${String(header.kid)}" is known for issuer "${unverifiedIss}"`);

  const now = opts.now ?? Math.floor(Date.now() / 1000);
  let claims: OlpClaims;
  try {
    const verified = await jwtVerify(opts.token, await cryptoKeyOf(key.key), {
      algorithms: [OLP_ALG],
      typ: OLP_TYP,
      currentDate: new Date(now * 1000),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti'],
    });
    claims = verified.payload as unknown as OlpClaims;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw authError('SIGNATURE_EXPIRED', 'the token has expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      throw authError('SIGNATURE_INVALID', `claim ${err.claim} is invalid: ${err.reason}`);
    }
    throw authError('SIGNATURE_INVALID', 'the signature does not verify');
  }

  const aud: unknown = claims.aud;
  if (aud !== opts.self && !(Array.isArray(aud) && aud.length === 1 && aud[0] === opts.self)) {
    throw authError('SIGNATURE_INVALID', `aud must be "${opts.self}"`);
  }
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') {
    throw authError('SIGNATURE_INVALID', 'iat and exp must be numbers');
  }
  if (claims.exp - claims.iat > MAX_TOKEN_AGE_S) {
    throw authError('SIGNATURE_INVALID', `exp may be at most iat + ${MAX_TOKEN_AGE_S}`);
  }
  if (claims.iat > now + CLOCK_TOLERANCE_S || claims.iat < now - MAX_TOKEN_AGE_S - CLOCK_TOLERANCE_S) {
    throw authError('SIGNATURE_EXPIRED', `iat is outside the ${MAX_TOKEN_AGE_S} s window`);
  }
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > MAX_JTI_LENGTH) {
    throw authError('SIGNATURE_INVALID', `jti must be 1 to ${MAX_JTI_LENGTH} characters`);
  }
  if (claims.cmd !== opts.command)
    throw authError('SIGNATURE_INVALID', 'cmd claim does not match body.command');
  if (claims.bh !== bodyHash(opts.rawBody))
    throw authError('SIGNATURE_INVALID', 'bh claim does not match the body');

  const expiresAt = new Date((now + REPLAY_WINDOW_S) * 1000);
  if (!(await opts.rememberJti(claims.iss, claims.jti, expiresAt))) {
    throw authError('REPLAYED', `jti "${claims.jti}" was already used by "${claims.iss}"`);
  }
  return claims;
}
