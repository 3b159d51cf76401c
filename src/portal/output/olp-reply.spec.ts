import { describe, expect, it } from '@jest/globals';
import { classifyAnswer, dataOrThrow, parseReply, parseRetryAfter } from './olp-reply.js';
import { OutputError } from './output.errors.js';

const refusal = (code: string) => ({ ok: false as const, error: [{ code, message: `${code} message` }] });

describe('olp-reply', () => {
  describe('parseReply', () => {
    it('should read both reply shapes and fill a missing data with null', () => {
      expect(parseReply('{"ok":true,"data":{"a":1}}')).toEqual({ ok: true, data: { a: 1 } });
      expect(parseReply('{"ok":true}')).toEqual({ ok: true, data: null });
      expect(parseReply('{"ok":false,"error":[{"code":"X","message":"m","field":"f"}]}')).toEqual({
        ok: false,
        error: [{ code: 'X', message: 'm', field: 'f' }],
      });
    });

    it('should return undefined for what is not an OLP reply', () => {
      expect(parseReply('<html>bad gateway</html>')).toBeUndefined();
      expect(parseReply('')).toBeUndefined();
      expect(parseReply('{"ok":false,"error":[]}')).toBeUndefined();
      expect(parseReply('{"data":1}')).toBeUndefined();
    });
  });

  describe('parseRetryAfter', () => {
    it('should read seconds and HTTP dates', () => {
      const now = Date.UTC(2026, 0, 1);
      expect(parseRetryAfter('30', now)).toBe(30_000);
      expect(parseRetryAfter(new Date(now + 5_000).toUTCString(), now)).toBe(5_000);
      expect(parseRetryAfter(undefined, now)).toBeUndefined();
      expect(parseRetryAfter('soon', now)).toBeUndefined();
    });
  });

  describe('dataOrThrow', () => {
    it('should return the data of an accepted call', () => {
      expect(dataOrThrow('x', { status: 200, reply: { ok: true, data: [1] } })).toEqual([1]);
    });

    it('should throw the server codes with the status', () => {
      const call = () => dataOrThrow('x', { status: 400, reply: refusal('MALFORMED_PACKET') });
      expect(call).toThrow(OutputError);
      expect(call).toThrow(expect.objectContaining({ code: 'MALFORMED_PACKET', status: 400 }));
    });
  });

  describe('classifyAnswer', () => {
    it('should count 200 and 202 with ok:true as sent', () => {
      expect(classifyAnswer({ status: 202, reply: { ok: true, data: null } })).toEqual({ kind: 'sent' });
      expect(classifyAnswer({ status: 200, reply: { ok: true, data: {} } })).toEqual({ kind: 'sent' });
    });

    it('should fail for good on a 4xx refusal other than 408 and 429', () => {
      for (const status of [400, 401, 404, 413]) {
        expect(classifyAnswer({ status, reply: refusal('NO') })).toEqual({
          kind: 'failed',
          code: 'NO',
          message: 'NO message',
          status,
        });
      }
      expect(classifyAnswer({ status: 200, reply: refusal('NO') })).toMatchObject({ kind: 'failed' });
    });

    it('should retry 5xx, 408, 429 and answers without an OLP body', () => {
      expect(classifyAnswer({ status: 503, reply: refusal('DOWN'), retryAfterMs: 9 })).toEqual({
        kind: 'retry',
        code: 'DOWN',
        message: 'DOWN message',
        status: 503,
        retryAfterMs: 9,
      });
      expect(classifyAnswer({ status: 408, reply: refusal('SLOW') })).toMatchObject({ kind: 'retry' });
      expect(classifyAnswer({ status: 429, reply: refusal('MANY') })).toMatchObject({ kind: 'retry' });
      expect(classifyAnswer({ status: 404, reply: undefined })).toMatchObject({
        kind: 'retry',
        code: 'HTTP_404',
      });
      expect(classifyAnswer({ status: 200, reply: undefined })).toMatchObject({
        kind: 'retry',
        code: 'MALFORMED_REPLY',
      });
    });
  });
});
