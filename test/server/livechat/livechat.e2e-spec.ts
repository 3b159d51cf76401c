import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { parseKeyRing } from '../../../src/protocol/index.js';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { addPortal, drive } from '../support/fixture.js';
import { postSigned, type PortalStandIn } from '../support/portal-stand-in.js';
import { addLine, SERVER_ID, startServer, type TestServer } from '../support/server.js';
import { StreamRefused, Visitor } from './visitor.js';

describe('live chat visitor endpoints', () => {
  let server: TestServer;
  let portal: PortalStandIn;
  let keySpec: string;
  let line: LineRow;
  let visitor: Visitor;

  beforeEach(async () => {
    server = await startServer({
      connectors: [liveChatDefinition],
      env: { LIVECHAT_ORIGINS: 'https://shop.example' },
    });
    ({ portal, keySpec } = await addPortal(server, 'portal-a'));
    line = await addLine(server, { portalId: 'portal-a', connector: 'livechat', lineId: '1', settings: {} });
    visitor = new Visitor(server.url, line.hash);
  });
  afterEach(async () => {
    await portal.close();
    await server.close();
  });

  /** The portal's sendMessage (or another item method) for the line, through the OLP entry. */
  const operator = async (command: string, items: unknown[]) => {
    const res = await postSigned({
      url: `${server.url}/olp/v1/portal`,
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock: server.clock,
      body: { command, connector: 'livechat', line: '1', data: [items] },
    });
    expect(res.status).toBe(202);
    await server.outbound.tick();
  };
  const reply = (n: number, chatId: string) => ({
    im: { chat_id: '7', message_id: String(100 + n) },
    chat: { id: chatId },
    message: { text: `answer ${n}` },
    user: { name: 'Olga' },
  });

  it('should queue a visitor’s message for the portal and bring the operator’s reply back', async () => {
    const session = await visitor.start({ name: 'Ann', url: 'https://shop.example/cart' });
    expect(session.chatId).toBe(session.visitorId);

    const sent = await visitor.post({ text: 'Is the red one in stock?', id: 'w-1' });
    expect(sent).toEqual({ status: 202, body: { ok: true, id: 'w-1' } });
    await drive(server, [portal]);

    expect(portal.received).toHaveLength(1);
    expect(portal.received[0]).toMatchObject({
      command: 'receivingMessage',
      connector: 'livechat',
      line: '1',
    });
    expect(portal.received[0].data[0]).toMatchObject({
      type_message: 'message',
      user: { id: session.visitorId, name: 'Ann' },
      chat: { id: session.visitorId, name: 'Ann', url: 'https://shop.example/cart' },
      message: { id: 'w-1', text: 'Is the red one in stock?' },
    });

    await operator('sendMessage', [reply(1, session.chatId)]);
    const polled = await visitor.poll(0);
    expect(polled.events).toEqual([
      {
        id: expect.any(Number),
        type: 'message',
        message: {
          id: expect.stringMatching(/^op-/),
          text: 'answer 1',
          author: 'Olga',
          date: expect.any(Number),
        },
      },
    ]);

    // The delivery report names the id the visitor's widget knows the reply by.
    await drive(server, [portal]);
    const report = portal.received.find((p) => p.command === 'receivingStatusDelivery');
    expect(report?.data).toEqual([
      { im: { chat_id: '7', message_id: '101' }, chat: { id: session.chatId }, message: expect.anything() },
    ]);
    expect((report!.data[0] as { message: { id: string[] } }).message.id).toEqual([
      polled.events[0].message.id,
    ]);
  });

  it('should carry edits and deletions of a reply to the visitor', async () => {
    const session = await visitor.start();
    await operator('sendMessage', [reply(1, session.chatId)]);
    const [sent] = (await visitor.poll(0)).events;
    const id = sent.message.id;

    await operator('updateMessage', [
      { ...reply(1, session.chatId), message: { id: [id], text: 'answer 1, fixed' } },
    ]);
    await operator('deleteMessage', [{ ...reply(1, session.chatId), message: { id: [id], text: '' } }]);

    const later = await visitor.poll(sent.id);
    expect(later.events.map((e) => [e.type, e.message.id, e.message.text])).toEqual([
      ['update', id, 'answer 1, fixed'],
      ['delete', id, undefined],
    ]);
    expect(later.last).toBe(later.events[1].id);
  });

  it('should show the visitor which of their messages an operator read', async () => {
    const session = await visitor.start();
    await visitor.post({ text: 'Hello?', id: 'w-1' });
    await visitor.post({ text: 'Anyone?', id: 'w-2' });
    await operator('setStatusReading', [
      { chat: { id: session.chatId }, message: { id: ['w-1', 'w-2'] } },
      // Not a visitor of this line: nobody to show it to.
      { chat: { id: 'nobody' }, message: { id: ['x'] } },
    ]);
    const { events } = await visitor.poll(0);
    expect(events.map((e) => [e.type, e.message])).toEqual([
      ['read', { id: 'w-1', date: expect.any(Number) }],
      ['read', { id: 'w-2', date: expect.any(Number) }],
    ]);
    expect(await server.db.liveChatEvent.count()).toBe(2);
  });

  it('should report a reply to an unknown visitor as an error, storing no event', async () => {
    await operator('sendMessage', [reply(1, 'nobody')]);
    await drive(server, [portal]);
    expect(portal.received.map((p) => [p.command, p.data])).toEqual([
      ['receivingError', [expect.objectContaining({ code: 'CHAT_NOT_FOUND', chat: { id: 'nobody' } })]],
    ]);
    expect(await server.db.liveChatEvent.count()).toBe(0);
  });

  it('should pass the visitor’s typing on as typing_start', async () => {
    await visitor.start();
    expect((await visitor.post({ type: 'typing' })).status).toBe(202);
    await drive(server, [portal]);
    expect(portal.received[0].data[0]).toMatchObject({ type_message: 'typing_start' });
  });

  describe('refusals', () => {
    it.each([
      ['no token', null],
      ['a malformed token', 'not-a-jwt'],
      ['a token signed with another key', 'forged'],
      ['an expired token', 'expired'],
      ['the token of another line', 'other-line'],
    ])('should refuse a message with %s and store nothing', async (_what, kind) => {
      const session = await visitor.start();
      let token: string | null = kind;
      if (kind === 'forged') {
        token = await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(session.visitorId)
          .setAudience('switchboard-livechat')
          .setExpirationTime('1h')
          .sign(new Uint8Array(32).fill(7));
      } else if (kind === 'expired') {
        server.clock.advance(31 * 24 * 3_600_000);
        token = session.token;
      } else if (kind === 'other-line') {
        const other = await addLine(server, {
          portalId: 'portal-a',
          connector: 'livechat',
          lineId: '2',
          settings: {},
        });
        token = (await new Visitor(server.url, other.hash).start()).token;
      }

      const res = await visitor.post({ text: 'hello' }, token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'HOOK_REJECTED' }] });
      expect(await server.db.queueItem.count()).toBe(0);
    });

    it('should refuse a malformed message and store nothing', async () => {
      await visitor.start();
      for (const body of [{ text: '' }, { text: 42 }, { type: 'shout' }, ['x']]) {
        expect((await visitor.post(body)).status).toBe(400);
      }
      expect(await server.db.queueItem.count()).toBe(0);
    });

    it('should refuse reading without a valid session, and an unknown line', async () => {
      await visitor.start();
      await expect(visitor.stream(1, { token: 'nope' })).rejects.toEqual(new StreamRefused(401));
      const noToken = await fetch(`${visitor.base}/poll?after=0`);
      expect(noToken.status).toBe(401);
      const unknown = new Visitor(server.url, 'no-such-hash');
      await expect(unknown.start()).rejects.toThrow(/404/);
      const notLiveChat = await addLine(server, { portalId: 'portal-a', connector: 'test', lineId: '3' });
      await expect(new Visitor(server.url, notLiveChat.hash).start()).rejects.toThrow(/404/);
      expect(await server.db.liveChatVisitor.count()).toBe(1);
    });
  });

  describe('events stream', () => {
    it('should send what is stored, then what comes, and resume after Last-Event-ID', async () => {
      const session = await visitor.start();
      await operator('sendMessage', [reply(1, session.chatId), reply(2, session.chatId)]);

      const live = visitor.stream(3);
      // The third reply comes while the stream is open.
      await operator('sendMessage', [reply(3, session.chatId)]);
      const frames = await live;
      expect(frames.map((f) => [f.event, f.data.message.text])).toEqual([
        ['message', 'answer 1'],
        ['message', 'answer 2'],
        ['message', 'answer 3'],
      ]);
      expect(frames.map((f) => f.id)).toEqual(frames.map((f) => String(f.data.id)));

      // A reconnect names the last event it saw and gets only what followed.
      const resumed = await visitor.stream(2, { lastEventId: frames[0].id });
      expect(resumed.map((f) => f.data.message.text)).toEqual(['answer 2', 'answer 3']);
    });

    it('should not show one visitor another’s replies', async () => {
      const first = await visitor.start();
      const other = new Visitor(server.url, line.hash);
      const second = await other.start();
      await operator('sendMessage', [reply(1, first.chatId), reply(2, second.chatId)]);
      expect((await other.stream(1))[0].data.message.text).toBe('answer 2');
      expect((await visitor.poll(0)).events.map((e) => e.message.text)).toEqual(['answer 1']);
    });
  });

  describe('CORS', () => {
    it('should allow the configured origins only', async () => {
      const preflight = (origin: string) =>
        fetch(`${visitor.base}/messages`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        });
      const allowed = await preflight('https://shop.example');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect((await preflight('https://evil.example')).status).toBe(403);

      const start = await fetch(`${visitor.base}/start`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(start.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('should serve the demo page of the line', async () => {
    const res = await fetch(`${visitor.base}/demo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain(`/livechat/${encodeURIComponent(line.hash)}`);
  });
});
