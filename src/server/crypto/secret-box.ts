import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../config.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const VERSION = 'v1';

/**
 * Encrypts secrets at rest (channel tokens, portal keys) with the server key, AES-256-GCM.
 * A sealed value reads `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id
 * lets a wrong SERVER_KEY fail with a clear message instead of an authentication error.
 * `context` is bound as additional data, so a value copied to another row does not open.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(config: ServerConfig) {
    if (config.serverKey.length !== 32) throw new Error('the server key must be 32 bytes');
    this.key = config.serverKey;
    this.keyId = createHash('sha256').update(this.key).digest('base64url').slice(0, 8);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, tag, body, ...rest] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !tag || body === undefined || rest.length) {
      throw new Error('the stored secret is not in the v1 sealed format');
    }
    if (keyId !== this.keyId) {
      throw new Error(`the stored secret was sealed with another server key (id ${keyId}); check SERVER_KEY`);
    }
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(`the stored secret for ${context} does not authenticate (altered or moved)`);
    }
  }
}
