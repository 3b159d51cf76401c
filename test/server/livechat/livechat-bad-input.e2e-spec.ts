import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { addPortal } from '../support/fixture.js';
import type { PortalStandIn } from '../support/portal-stand-in.js';
import { addLine, startServer, type TestServer } from '../support/server.js';
import { Visitor } from './visitor.js';

interface Refusal {
  ok: false;
  error: { code: string; message: string }[];
}

/** Hostile input on the visitor endpoints and the hook entry: a 4xx that names the field, never a 5xx. */
describe('live chat endpoints with bad input', () => {
  let server: TestServer;
  let portal: PortalStandIn;
  let line: LineRow;
  beforeAll(async () => {
    server = await startServer({ connectors: [liveChatDefinition] });
    ({ portal } = await addPortal(server, 'portal-a'));
    line = await addLine(server, { portalId: 'portal-a', connector: 'livechat', lineId: '1', settings: {} });
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
  });

  const start = async (hashInPath: string, body: string) => {
    const res = await fetch(`${server.url}/livechat/${hashInPath}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Refusal };
  };

  it.each([
    ['name a number', { name: 5 }, 'name'],
    ['name an object', { name: { first: 'Ann' } }, 'name'],
    ['name with NUL', { name: 'An\u0000n' }, 'name'],
    ['name with a line break', { name: 'Ann\nSmith' }, 'name'],
    ['name of 201 characters', { name: 'a'.repeat(201) }, 'name'],
    ['url not a URL', { url: 'nowhere' }, 'url'],
    ['url with NUL', { url: 'https://shop.example/\u0000' }, 'url'],
    ['url an array', { url: ['https://shop.example/'] }, 'url'],
    ['an array body', [1, 2], 'body'],
    ['a number body', 42, 'body'],
    ['a string body', 'hello', 'body'],
  ])(
    'should refuse a start with %s with 400 naming the field, storing nothing',
    async (_what, body, field) => {
      const res = await start(encodeURIComponent(line.hash), JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        ok: false,
        error: [{ code: 'INVALID_REQUEST', message: expect.stringMatching(new RegExp(`^${field}: `)) }],
      });
      expect(await server.db.liveChatVisitor.count()).toBe(0);
    },
  );

  it('should refuse a start body that is not JSON with 400', async () => {
    for (const body of ['{', '{"name":', '\u0000', '']) {
      expect((await start(encodeURIComponent(line.hash), body)).status).toBe(400);
    }
    expect(await server.db.liveChatVisitor.count()).toBe(0);
  });

  describe.each(['%00', 'abc%00def', '%0A', 'a%20b', 'a.b', '%E2%80%AE'])('a hash %s', (junk) => {
    it.each([
      ['POST', 'start'],
      ['POST', 'messages'],
      ['GET', 'poll'],
      ['GET', 'events'],
    ])('should be refused on %s %s with 400 naming the hash', async (method, path) => {
      for (const hash of [junk, `${encodeURIComponent(line.hash)}${junk}`]) {
        const res = await fetch(`${server.url}/livechat/${hash}/${path}?token=x`, {
          method,
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          ...(method === 'POST' && { body: '{"text":"hi"}' }),
        });
        expect(res.status).toBe(400);
        const body = (await res.json()) as Refusal;
        expect(body.error[0].message).toMatch(path === 'messages' ? /^h: / : /^hash: /);
      }
    });
  });

  it.each([['h=%00'], ['h=a%00'], ['h=a&h=b']])(
    'should refuse the hook entry with %s with 400 naming h',
    async (query) => {
      const res = await fetch(`${server.url}/hook?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Refusal).error).toEqual([
        { code: 'INVALID_HOOK', message: expect.stringMatching(/^h: /) },
      ]);
    },
  );

  it.each(['2147483648', '9007199254740991'])(
    'should answer a poll after %s, past any event id, with no events',
    async (after) => {
      const visitor = new Visitor(server.url, line.hash);
      const session = await visitor.start();
      const res = await fetch(`${visitor.base}/poll?after=${after}&timeout=1`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, data: { events: [], last: 2147483647 } });
      await server.db.liveChatVisitor.deleteMany();
    },
  );
});
