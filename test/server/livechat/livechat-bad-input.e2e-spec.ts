import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { addPortal } from '../support/fixture.js';
import type { PortalStandIn } from '../support/portal-stand-in.js';
import { addLine, startServer, type TestServer } from '../support/server.js';
import { Visitor } from './visitor.js';

/** A small seeded PRNG (mulberry32), so a failing body can be found again from the seed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

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

  it('should answer 201 or a 400 naming the field for 300 seeded random bodies, storing only what it took', async () => {
    const random = seeded(0x5eed);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const junk = (depth: number): unknown =>
      pick<() => unknown>([
        () => null,
        () => random() < 0.5,
        () => Math.floor(random() * 2 ** 40) - 2 ** 39,
        () => random() * 1e6,
        () =>
          String.fromCharCode(
            ...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 0xd7ff)),
          ),
        () =>
          pick(['Ann', 'https://shop.example/', '', ' ', 'javascript:alert(1)', '\u0000', 'x'.repeat(3000)]),
        () => (depth > 2 ? 1 : Array.from({ length: Math.floor(random() * 3) }, () => junk(depth + 1))),
        () =>
          depth > 2
            ? 1
            : { name: junk(depth + 1), url: junk(depth + 1), [pick(['x', '__proto__x'])]: junk(depth + 1) },
      ])();
    let taken = 0;
    for (let i = 0; i < 300; i++) {
      // Fields are often absent or well-formed, so that a bad one is often the only bad one.
      const control = (good: string) => good + String.fromCharCode(Math.floor(random() * 32));
      const field = (good: string) => pick([undefined, good, control(good), junk(1)]);
      const body = random() < 0.7 ? { name: field('Ann'), url: field('https://shop.example/') } : junk(0);
      const res = await start(encodeURIComponent(line.hash), JSON.stringify(body));
      if (res.status === 201) {
        taken++;
        continue;
      }
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error[0].message).toMatch(/^(name|url|body): /);
    }
    expect(await server.db.liveChatVisitor.count()).toBe(taken);
    await server.db.liveChatVisitor.deleteMany();
  });

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
