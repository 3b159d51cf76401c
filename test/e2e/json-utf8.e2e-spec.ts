import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { liveChatDefinition } from '../../src/server/connectors/livechat/livechat.connector.js';
import type { LineRow } from '../../src/server/lines/lines.repository.js';
import { addPortal } from '../server/support/fixture.js';
import type { PortalStandIn } from '../server/support/portal-stand-in.js';
import { addLine, startServer, type TestServer } from '../server/support/server.js';
import { startPortal, type TestPortal } from '../support/portal.js';

/** `{"name":"<bytes>",...}`: JSON whose string holds the given bytes as sent. */
const jsonWith = (bytes: number[]) =>
  Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('","email":"a@b.c"}')]);

/** Not UTF-8 (RFC 3629): a lone continuation byte, 0xFF, an overlong '/', a surrogate, a cut sequence. */
const INVALID = [[0x80], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]];

const post = (url: string, body: Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const UTF8_PROBLEM = /UTF-8/;

describe('JSON bodies that are not UTF-8', () => {
  describe('on the portal', () => {
    let portal: TestPortal;
    beforeAll(async () => {
      portal = await startPortal();
    });
    afterAll(async () => {
      await portal.close();
    });

    it.each(INVALID)('should refuse REST with 400 naming the problem (bytes %p)', async (...bytes) => {
      const res = await post(`${portal.url}/api/auth/login`, jsonWith(bytes));
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(UTF8_PROBLEM);
    });

    it('should refuse the OLP input with 400 in the OLP reply shape', async () => {
      const res = await post(`${portal.url}/olp/v1/input`, jsonWith([0xff]), {
        authorization: 'Bearer x.y.z',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        ok: false,
        error: [{ code: 'MALFORMED_PACKET', message: expect.stringMatching(UTF8_PROBLEM), field: 'body' }],
      });
    });

    it('should still read valid UTF-8, multi-byte and with a BOM', async () => {
      const body = Buffer.from(`{"email":"ünïcødé@example.com","password":"пароль 🔑"}`);
      for (const bytes of [body, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])]) {
        const res = await post(`${portal.url}/api/auth/login`, bytes);
        expect(res.status).toBe(401);
      }
    });
  });

  describe('on the connector server', () => {
    let server: TestServer;
    let portal: PortalStandIn;
    let line: LineRow;
    beforeAll(async () => {
      server = await startServer({ connectors: [liveChatDefinition] });
      ({ portal } = await addPortal(server, 'portal-a'));
      line = await addLine(server, {
        portalId: 'portal-a',
        connector: 'livechat',
        lineId: '1',
        settings: {},
      });
    });
    afterAll(async () => {
      await portal.close();
      await server.close();
    });

    it.each(INVALID)(
      'should refuse a live chat start with 400, storing nothing (bytes %p)',
      async (...bytes) => {
        const res = await post(`${server.url}/livechat/${line.hash}/start`, jsonWith(bytes));
        expect(res.status).toBe(400);
        expect(JSON.stringify(await res.json())).toMatch(UTF8_PROBLEM);
        expect(await server.db.liveChatVisitor.count()).toBe(0);
      },
    );

    it.each([['/hook?h=x'], ['/olp/v1/portal']])('should refuse %s with 400', async (path) => {
      const res = await post(`${server.url}${path}`, jsonWith([0xff]));
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(UTF8_PROBLEM);
    });

    it('should still start a session with a multi-byte name', async () => {
      const res = await post(`${server.url}/livechat/${line.hash}/start`, Buffer.from('{"name":"Zoë 🌷"}'));
      expect(res.status).toBe(201);
      expect(await server.db.liveChatVisitor.findFirstOrThrow()).toMatchObject({ name: 'Zoë 🌷' });
    });
  });
});
