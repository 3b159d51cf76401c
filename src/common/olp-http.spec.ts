import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { OlpError } from '../protocol/index.js';
import { toOlpError } from './olp-http.js';

describe('toOlpError', () => {
  it('should keep an OlpError as it is', () => {
    const err = new OlpError(404, 'UNKNOWN_COMMAND', 'nope', 'body.command');
    expect(toOlpError(err)).toBe(err);
  });

  it('should map framework errors to the OLP code of their status', () => {
    expect(toOlpError(new PayloadTooLargeException('too big')).toReply()).toEqual({
      ok: false,
      error: [{ code: 'PACKET_TOO_LARGE', message: 'too big' }],
    });
    expect(toOlpError(new BadRequestException('Unexpected end of JSON input')).toReply()).toEqual({
      ok: false,
      error: [{ code: 'MALFORMED_PACKET', message: 'Unexpected end of JSON input', field: 'body' }],
    });
    expect(toOlpError(new HttpException('Unsupported Media Type', 415))).toMatchObject({
      status: 415,
      code: 'MALFORMED_PACKET',
    });
  });

  it('should answer a fault of the portal with 500 without leaking its message', () => {
    const err = toOlpError(new Error('connection to database lost: password=...'));
    expect({ status: err.status, code: err.code }).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
    expect(err.message).not.toMatch(/database/);
  });
});
