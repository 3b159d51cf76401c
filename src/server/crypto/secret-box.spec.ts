import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type ServerConfig } from '../config.js';
import { SecretBox } from './secret-box.js';

const boxWith = (key: Buffer) => new SecretBox({ serverKey: key } as ServerConfig);

describe(SecretBox.name, () => {
  const key = randomBytes(32);
  const box = boxWith(key);

  describe('seal', () => {
    it('should give a different sealed value each time, opening to the same text', () => {
      const a = box.seal('bot-token', 'line-params:p|test|1');
      const b = box.seal('bot-token', 'line-params:p|test|1');
      expect(a).not.toBe(b);
      expect(a).not.toContain('bot-token');
      expect(box.open(a, 'line-params:p|test|1')).toBe('bot-token');
      expect(box.open(b, 'line-params:p|test|1')).toBe('bot-token');
    });
  });

  describe('open', () => {
    it('should refuse a value moved to another context', () => {
      const sealed = box.seal('bot-token', 'line-params:p|test|1');
      expect(() => box.open(sealed, 'line-params:p|test|2')).toThrow(/does not authenticate/);
    });

    it('should refuse an altered value', () => {
      const parts = box.seal('bot-token', 'ctx').split('.');
      const body = Buffer.from(parts[4], 'base64url');
      body[0] = body[0] ^ 1;
      parts[4] = body.toString('base64url');
      expect(() => box.open(parts.join('.'), 'ctx')).toThrow(/does not authenticate/);
    });

    it('should name a wrong server key as such', () => {
      const sealed = boxWith(randomBytes(32)).seal('bot-token', 'ctx');
      expect(() => box.open(sealed, 'ctx')).toThrow(/sealed with another server key .*check SERVER_KEY/);
    });

    it('should refuse a value that is not in the sealed format', () => {
      expect(() => box.open('plain-token', 'ctx')).toThrow(/not in the v1 sealed format/);
    });
  });
});
