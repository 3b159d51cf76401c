import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** One shared HS256 key. */
export interface OlpKey {
  kid: string;
  key: KeyObject;
}

/** Keys shared with one peer: the first signs, all of them verify (rotation without downtime). */
export interface KeyRing {
  signing: OlpKey;
  byKid: ReadonlyMap<string, OlpKey>;
}

const MIN_SECRET_BYTES = 32;

/** Parses `kid1:secret1,kid2:secret2` (secrets base64url, at least 32 bytes each). */
export function parseKeyRing(spec: string): KeyRing {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const sep = part.indexOf(':');
      if (sep <= 0) throw new Error(`OLP key #${index + 1} must look like kid:secret`);
      const kid = part.slice(0, sep);
      const secret = Buffer.from(part.slice(sep + 1), 'base64url');
      if (secret.length < MIN_SECRET_BYTES) {
        throw new Error(
          `OLP key "${kid}" is ${secret.length} bytes; at least ${MIN_SECRET_BYTES} are required`,
        );
      }
      return { kid, key: createSecretKey(secret) };
    });
  const [signing] = keys;
  if (!signing) throw new Error('at least one OLP key is required');
  const byKid = new Map<string, OlpKey>();
  for (const k of keys) {
    if (byKid.has(k.kid)) throw new Error(`OLP key id "${k.kid}" is listed twice`);
    byKid.set(k.kid, k);
  }
  return { signing, byKid };
}

/** A fresh `kid:secret` pair for development and for key rotation. */
export function generateKeySpec(kid = `k${Date.now().toString(36)}`): string {
  return `${kid}:${randomBytes(32).toString('base64url')}`;
}
