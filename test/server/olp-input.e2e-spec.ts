import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeySpec, MAX_BODY_BYTES, parseKeyRing, signPacket } from '../../src/protocol/index.js';
import { startFixture, type Fixture } from './support/fixture.js';
import { postSigned } from './support/portal-stand-in.js';
import { SERVER_ID, startServer } from './support/server.js';

interface Packet {
  command: string;
  connector: string;
  line: string | null;
  data: unknown;
}

describe('POST /olp/v1/portal', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const endpoint = () => `${f.server.url}/olp/v1/portal`;
  const now = () => Math.floor(f.server.clock.nowMs() / 1000);
  const call = (body: Packet, keySpec = f.keySpec) =>
    postSigned({
      url: endpoint(),
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock: f.server.clock,
      body,
    });

  /** Posts `raw` with a token made by `sign` (defaults: a valid one for the body). */
  const post = async (raw: string, token?: string) => {
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      body: raw,
    });
    return {
      status: res.status,
      body: (await res.json()) as { ok: boolean; error?: { code: string; field?: string }[] },
    };
  };
  const token = (raw: string, opts: Partial<Parameters<typeof signPacket>[0]> = {}) =>
    signPacket({
      iss: 'portal-a',
      aud: SERVER_ID,
      command: (JSON.parse(raw) as Packet).command,
      rawBody: raw,
      keys: parseKeyRing(f.keySpec),
      now: now(),
      ...opts,
    });

  const sendMessage: Packet = {
    command: 'sendMessage',
    connector: 'test',
    line: '1',
    data: [[{ im: { chat_id: 10, message_id: 20 }, chat: { id: 'chat-1' }, message: { text: 'hello' } }]],
  };
  const raw = JSON.stringify(sendMessage);
  const errorCode = (res: { body: { error?: { code: string }[] } }) => res.body.error?.[0]?.code;

  describe('signature', () => {
    it('should take a packet signed by a registered portal, answering 202 for a fire-and-forget call', async () => {
      const res = await post(raw, await token(raw));
      expect(res).toEqual({ status: 202, body: { ok: true, data: { accepted: 1 } } });
      expect(await f.server.db.outboundCall.count()).toBe(1);
    });

    it.each([
      ['no token', async () => undefined, 'SIGNATURE_INVALID'],
      ['a token that is no JWS', async () => 'not-a-token', 'SIGNATURE_INVALID'],
      ['an unregistered issuer', async () => token(raw, { iss: 'portal-x' }), 'UNKNOWN_KEY'],
      [
        'an unknown key id',
        async () => token(raw, { keys: parseKeyRing(generateKeySpec('other')) }),
        'UNKNOWN_KEY',
      ],
      [
        'a wrong secret',
        async () => token(raw, { keys: parseKeyRing(generateKeySpec('portal-a-k1')) }),
        'SIGNATURE_INVALID',
      ],
      ['another audience', async () => token(raw, { aud: 'server-other' }), 'SIGNATURE_INVALID'],
      [
        'an expired token',
        async () => token(raw, { now: now() - 400, ttlSeconds: 300 }),
        'SIGNATURE_EXPIRED',
      ],
      ['a token issued in the future', async () => token(raw, { now: now() + 120 }), 'SIGNATURE_EXPIRED'],
      [
        'another command',
        async () => token(raw.replace('"sendMessage"', '"deleteMessage"')),
        'SIGNATURE_INVALID',
      ],
      ['another body', async () => token(raw.replace('hello', 'hullo')), 'SIGNATURE_INVALID'],
    ])('should refuse %s with 401, storing nothing', async (_name, makeToken, code) => {
      const res = await post(raw, await makeToken());
      expect(res.status).toBe(401);
      expect(errorCode(res)).toBe(code);
      expect(await f.server.db.outboundCall.count()).toBe(0);
    });

    it('should refuse a replayed token, also after a restart', async () => {
      const signed = await token(raw);
      expect((await post(raw, signed)).status).toBe(202);
      const replay = await post(raw, signed);
      expect(replay.status).toBe(401);
      expect(errorCode(replay)).toBe('REPLAYED');

      const second = await startServer({ connectors: [f.channel.definition()], reuse: f.server });
      try {
        const res = await fetch(`${second.url}/olp/v1/portal`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${signed}` },
          body: raw,
        });
        expect(res.status).toBe(401);
      } finally {
        await second.stop();
      }
      expect(await f.server.db.outboundCall.count()).toBe(1);
    });

    it('should verify with every key of a rotated ring', async () => {
      const { added } = await f.server.registry.rotateKeys({ id: 'portal-a', mode: 'add' });
      expect((await call(sendMessage, added)).status).toBe(202);
      expect((await call(sendMessage, f.keySpec)).status).toBe(202);

      await f.server.registry.rotateKeys({ id: 'portal-a', mode: 'retire' });
      expect((await call(sendMessage, added)).status).toBe(202);
      const old = await call(sendMessage, f.keySpec);
      expect(old.status).toBe(401);
    });
  });

  describe('malformed packets', () => {
    it('should answer 400 MALFORMED_PACKET for a body that is not JSON', async () => {
      const res = await post('{"command": ', await token('{"command":"x"}'));
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('MALFORMED_PACKET');
    });

    it('should name the missing envelope field', async () => {
      const body = JSON.stringify({ command: 'sendMessage', line: '1', data: [] });
      const res = await post(body, await token(body));
      expect(res.status).toBe(400);
      expect(res.body.error?.[0]).toMatchObject({ code: 'MALFORMED_PACKET', field: 'body.connector' });
    });

    it('should name the offending field of the data', async () => {
      const res = await call({
        ...sendMessage,
        data: [[{ im: { chat_id: 1, message_id: 2 }, chat: { id: 'c' }, message: {} }]],
      });
      expect(res.status).toBe(400);
      expect((res.body as { error: unknown[] }).error[0]).toMatchObject({
        code: 'MALFORMED_PACKET',
        field: 'data.0.0.message.text',
      });
      expect(await f.server.db.outboundCall.count()).toBe(0);
    });

    it.each([
      ['just over the OLP limit', MAX_BODY_BYTES + 100],
      ['far over the OLP limit', MAX_BODY_BYTES + 64 * 1024],
    ])('should answer 413 PACKET_TOO_LARGE for a body %s', async (_name, size) => {
      const body = JSON.stringify({ ...sendMessage, pad: 'x'.repeat(size - raw.length) });
      const res = await post(body, await token(body));
      expect(res.status).toBe(413);
      expect(errorCode(res)).toBe('PACKET_TOO_LARGE');
    });

    it('should answer 404 UNKNOWN_COMMAND for a signed packet with an unknown command', async () => {
      const res = await call({ command: 'launchRocket', connector: 'test', line: '1', data: [] });
      expect(res.status).toBe(404);
      expect(errorCode(res as never)).toBe('UNKNOWN_COMMAND');
    });
  });
});
