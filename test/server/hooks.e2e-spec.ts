import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { drive, startFixture, type Fixture } from './support/fixture.js';

describe('/hook?h=<line hash>', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const messages = [
    { chat: 'c1', user: 'u1', id: '100', text: 'hello' },
    { chat: 'c1', user: 'u1', id: '101', text: 'anyone there?' },
  ];
  const hook = (hash: string | null, body: unknown, secret = 'secret') =>
    fetch(`${f.server.url}/hook${hash === null ? '' : `?h=${encodeURIComponent(hash)}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-secret': secret },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const stored = () => f.server.db.queueItem.count();

  it("should queue the connector's messages for the portal and answer as the connector says", async () => {
    const res = await hook(f.line.hash, { messages });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 2 });
    expect(await stored()).toBe(2);

    await drive(f.server, [f.portal]);
    expect(f.portal.received).toEqual([
      {
        command: 'receivingMessage',
        connector: 'test',
        line: '1',
        data: [
          {
            type_message: 'message',
            user: { id: 'u1' },
            chat: { id: 'c1' },
            message: { id: '100', date: 1_767_225_600, text: 'hello' },
          },
          {
            type_message: 'message',
            user: { id: 'u1' },
            chat: { id: 'c1' },
            message: { id: '101', date: 1_767_225_600, text: 'anyone there?' },
          },
        ],
      },
    ]);
  });

  it.each([
    ['an unknown hash', 'no-such-line'],
    ['no hash', null],
  ])('should refuse %s with 404, storing nothing', async (_name, hash) => {
    const res = await hook(hash, { messages });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ok: false,
      error: [{ code: 'UNKNOWN_HOOK', message: 'no line has this webhook address' }],
    });
    expect(await stored()).toBe(0);
  });

  it('should refuse a request the connector does not verify, storing nothing', async () => {
    const res = await hook(f.line.hash, { messages }, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: [{ code: 'HOOK_REJECTED' }] });
    expect(await stored()).toBe(0);
  });

  it('should refuse a body the connector cannot parse, storing nothing', async () => {
    const res = await hook(f.line.hash, { nothing: true });
    expect(res.status).toBe(400);
    expect(await stored()).toBe(0);
  });

  it('should refuse items OLP would refuse with 400 naming the field, storing nothing', async () => {
    const res = await hook(f.line.hash, { messages: [{ user: 'u1', id: '100', text: 'no chat' }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ok: false,
      error: [{ code: 'HOOK_REJECTED', message: expect.stringContaining('chat.id') }],
    });
    expect(await stored()).toBe(0);
    expect(await f.server.db.hookDeadLetter.count()).toBe(0);
  });

  it('should refuse a body that is not JSON, storing nothing', async () => {
    const res = await hook(f.line.hash, '{"messages": [');
    expect(res.status).toBe(400);
    expect(await stored()).toBe(0);
  });
});
