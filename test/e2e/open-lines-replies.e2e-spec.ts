import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSse, type SseClient, type SseEvent } from '../../src/bench/sse-client.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { olpBody, olpMessage, signedPost, statusItem } from '../factories/packet.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { startOlpPeer, type OlpPeer, type RecordedCall } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';
const CONNECTOR = 'telegrambot';
const LINE = '1';

interface MessageBody {
  id: number;
  chatId: number;
  direction: string;
  text: string;
  status: string;
  error: string | null;
  deletedAt: string | null;
}
interface Outgoing {
  im: { chat_id: string; message_id: string };
  chat: { id: string };
  message: {
    id?: string[];
    text: string;
    files?: { url: string; name: string; size: number; type: string }[];
  };
  user?: { name: string };
}

/** The items of an outgoing-items call (sendMessage, updateMessage, deleteMessage). */
const itemsOf = (call: RecordedCall) => (call.data as [Outgoing[]])[0];
const names = (call: RecordedCall, method: string, messageId: number) =>
  call.command === method && itemsOf(call).some((i) => i.im.message_id === String(messageId));

describe('Open Lines replies and the operator stream', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let db: DatabaseService['client'];
  let admin: string;
  let stream: SseClient;

  const post = (body: Record<string, unknown>) =>
    signedPost(`${portal.url}/olp/v1/input`, body, { keySpec, iss: SERVER_ID, aud: PORTAL_ID });

  /** A customer writes in a new chat; returns our chat id and message id once stored. */
  async function customerWrites(chatId: string, text = 'hello'): Promise<{ chat: number; message: number }> {
    const m = olpMessage({ chatId, text });
    expect((await post(olpBody('receivingMessage', [m], { connector: CONNECTOR, line: LINE }))).status).toBe(
      200,
    );
    const row = await eventually(
      `message ${m.message.id}`,
      () => db.message.findFirst({ where: { externalId: m.message.id, direction: 'in' } }),
      (r) => r !== null,
    );
    return { chat: row!.chatId, message: row!.id };
  }

  const reply = (chatId: number, body: Record<string, unknown>, token = admin) =>
    api<MessageBody>(portal, 'POST', `/api/chats/${chatId}/replies`, { token, body });
  const statusOf = async (id: number) => (await db.message.findUniqueOrThrow({ where: { id } })).status;
  const statusEvent = (messageId: number, status: string) => (e: SseEvent) =>
    e.event === 'message.status' &&
    (JSON.parse(e.data) as { payload: { messageId: number; status: string } }).payload.messageId ===
      messageId &&
    (JSON.parse(e.data) as { payload: { status: string } }).payload.status === status;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    portal = await startPortal({
      env: {
        OLP_KEYS: keySpec,
        CONNECTOR_SERVER_URL: peer.url,
        STREAM_POLL_MS: '20',
        STREAM_HEARTBEAT_MS: '200',
      },
    });
    db = portal.app.get(DatabaseService).client;
    admin = await login(portal, testAdmin.email, testAdmin.password);
    stream = await openSse(`${portal.url}/api/stream`, { authorization: `Bearer ${admin}` });
    expect(stream.status).toBe(200);
  });
  afterAll(async () => {
    stream?.close();
    await portal?.close();
    await peer?.close();
  });

  it('should send a reply as sendMessage named by the portal message id and follow it to read', async () => {
    const { chat } = await customerWrites('chat-flow');
    const res = await reply(chat, { text: 'How can I help?' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ direction: 'out', text: 'How can I help?', status: 'pending' });
    const id = res.body.id;

    const call = await peer.waitFor((c) => names(c, 'sendMessage', id));
    expect(call).toMatchObject({ connector: CONNECTOR, line: LINE, status: 202 });
    expect(itemsOf(call)).toEqual([
      {
        im: { chat_id: String(chat), message_id: String(id) },
        chat: { id: 'chat-flow' },
        message: { text: 'How can I help?' },
        user: { name: expect.any(String) },
      },
    ]);
    await eventually(
      'sent',
      () => statusOf(id),
      (s) => s === 'sent',
    );

    const im = { imChatId: String(chat), imMessageId: String(id), chatId: 'chat-flow' };
    const delivered = statusItem({ ...im, externalIds: ['tg-77'] });
    await post(olpBody('receivingStatusDelivery', [delivered], { connector: CONNECTOR, line: LINE }));
    await eventually(
      'delivered',
      () => statusOf(id),
      (s) => s === 'delivered',
    );
    await post(olpBody('receivingStatusReading', [statusItem(im)], { connector: CONNECTOR, line: LINE }));
    await eventually(
      'read',
      () => statusOf(id),
      (s) => s === 'read',
    );

    for (const status of ['sent', 'delivered', 'read']) await stream.waitFor(statusEvent(id, status));
    const created = await stream.waitFor(
      (e) =>
        e.event === 'message.created' &&
        (JSON.parse(e.data) as { payload: { message: { id: number } } }).payload.message.id === id,
    );
    expect(JSON.parse(created.data)).toMatchObject({ type: 'message.created', lineId: LINE });
  });

  it('should store and send a retried reply once', async () => {
    const { chat } = await customerWrites('chat-retry');
    const [a, b] = await Promise.all([
      reply(chat, { text: 'once', clientKey: 'k-1' }),
      reply(chat, { text: 'once', clientKey: 'k-1' }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    await peer.waitFor((c) => names(c, 'sendMessage', a.body.id));
    await eventually(
      'sent',
      () => statusOf(a.body.id),
      (s) => s === 'sent',
    );
    const again = await reply(chat, { text: 'once', clientKey: 'k-1' });
    expect(again.body.id).toBe(a.body.id);
    expect(await db.message.count({ where: { chatId: chat, direction: 'out' } })).toBe(1);
    expect(peer.calls.filter((c) => names(c, 'sendMessage', a.body.id))).toHaveLength(1);
  });

  it('should repeat the same message id when the outbox retries, and keep one message', async () => {
    const { chat } = await customerWrites('chat-outage');
    let refused = 0;
    peer.respond((c) => {
      if (c.command !== 'sendMessage' || itemsOf(c)[0]?.chat.id !== 'chat-outage' || refused > 0)
        return undefined;
      refused++;
      return { status: 503, body: { ok: false, error: [{ code: 'UNAVAILABLE', message: 'try later' }] } };
    });
    try {
      const { body } = await reply(chat, { text: 'through an outage' });
      await eventually(
        'sent',
        () => statusOf(body.id),
        (s) => s === 'sent',
      );
      const sends = peer.calls.filter((c) => names(c, 'sendMessage', body.id));
      expect(sends.map((c) => c.status)).toEqual([503, 202]);
      expect(sends.map((c) => itemsOf(c)[0]?.im)).toEqual([
        { chat_id: String(chat), message_id: String(body.id) },
        { chat_id: String(chat), message_id: String(body.id) },
      ]);
      expect(await db.message.count({ where: { chatId: chat, direction: 'out' } })).toBe(1);
      await stream.waitFor(statusEvent(body.id, 'sent'));
      const created = stream.events.filter(
        (e) =>
          e.event === 'message.created' &&
          (JSON.parse(e.data) as { payload: { message: { id: number } } }).payload.message.id === body.id,
      );
      expect(created).toHaveLength(1);
    } finally {
      peer.respond(undefined);
    }
  });

  it('should show a refused reply as failed with the reason, and resend it under the same id', async () => {
    const { chat } = await customerWrites('chat-fail');
    peer.respond((c) =>
      c.command === 'sendMessage'
        ? { status: 400, body: { ok: false, error: [{ code: 'CHAT_NOT_FOUND', message: 'no such chat' }] } }
        : undefined,
    );
    const res = await reply(chat, { text: 'will fail' });
    const id = res.body.id;
    await eventually(
      'failed',
      () => db.message.findUniqueOrThrow({ where: { id } }),
      (m) => m.status === 'failed',
    );
    expect((await db.message.findUniqueOrThrow({ where: { id } })).error).toBe(
      'CHAT_NOT_FOUND: no such chat',
    );
    await stream.waitFor(statusEvent(id, 'failed'));

    peer.respond(undefined);
    const resent = await api<MessageBody>(portal, 'POST', `/api/messages/${id}/resend`, { token: admin });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id, status: 'pending', error: null });
    await eventually(
      'sent',
      () => statusOf(id),
      (s) => s === 'sent',
    );
    const sends = peer.calls.filter((c) => names(c, 'sendMessage', id));
    expect(sends.map((c) => c.status)).toEqual([400, 202]);

    const twice = await api(portal, 'POST', `/api/messages/${id}/resend`, { token: admin });
    expect(twice.status).toBe(409);
  });

  it('should show a failure the channel reports (receivingError)', async () => {
    const { chat } = await customerWrites('chat-error');
    const { body } = await reply(chat, { text: 'blocked by the bot?' });
    await eventually(
      'sent',
      () => statusOf(body.id),
      (s) => s === 'sent',
    );
    const item = {
      im: { chat_id: String(chat), message_id: String(body.id) },
      chat: { id: 'chat-error' },
      code: 'BLOCKED',
      message: 'the user blocked the bot',
    };
    await post(olpBody('receivingError', [item], { connector: CONNECTOR, line: LINE }));
    await eventually(
      'failed',
      () => statusOf(body.id),
      (s) => s === 'failed',
    );
    expect((await db.message.findUniqueOrThrow({ where: { id: body.id } })).error).toBe(
      'BLOCKED: the user blocked the bot',
    );
  });

  it('should send edits and deletions as updateMessage and deleteMessage with the channel ids', async () => {
    const { chat } = await customerWrites('chat-edit');
    const { body } = await reply(chat, { text: 'frist' });
    const id = body.id;
    await peer.waitFor((c) => names(c, 'sendMessage', id));
    const im = {
      imChatId: String(chat),
      imMessageId: String(id),
      chatId: 'chat-edit',
      externalIds: ['tg-5'],
    };
    await post(olpBody('receivingStatusDelivery', [statusItem(im)], { connector: CONNECTOR, line: LINE }));
    await eventually(
      'delivered',
      () => statusOf(id),
      (s) => s === 'delivered',
    );

    const edited = await api<MessageBody>(portal, 'PATCH', `/api/messages/${id}`, {
      token: admin,
      body: { text: 'first' },
    });
    expect(edited.body).toMatchObject({ id, text: 'first' });
    // The same edit again (a retried request) sends nothing more.
    await api(portal, 'PATCH', `/api/messages/${id}`, { token: admin, body: { text: 'first' } });
    const update = await peer.waitFor((c) => names(c, 'updateMessage', id));
    expect(itemsOf(update)[0]).toMatchObject({
      im: { message_id: String(id) },
      message: { id: ['tg-5'], text: 'first' },
    });

    const deleted = await api<MessageBody>(portal, 'DELETE', `/api/messages/${id}`, { token: admin });
    expect(deleted.body.deletedAt).not.toBeNull();
    await api(portal, 'DELETE', `/api/messages/${id}`, { token: admin });
    const deletion = await peer.waitFor((c) => names(c, 'deleteMessage', id));
    expect(itemsOf(deletion)[0]).toMatchObject({ im: { message_id: String(id) }, message: { id: ['tg-5'] } });
    await stream.waitFor(
      (e) =>
        e.event === 'message.deleted' &&
        (JSON.parse(e.data) as { payload: { message: { id: number } } }).payload.message.id === id,
    );
    // Queued once each, however often asked.
    await eventually(
      'outbox settled',
      () => db.outboxCall.count({ where: { state: { in: ['pending', 'sending'] } } }),
      (n) => n === 0,
    );
    expect(peer.calls.filter((c) => names(c, 'updateMessage', id))).toHaveLength(1);
    expect(peer.calls.filter((c) => names(c, 'deleteMessage', id))).toHaveLength(1);
  });

  it("should mark the customer's messages read and tell the channel with setStatusReading", async () => {
    const { chat, message } = await customerWrites('chat-read', 'are you there?');
    const externalId = (await db.message.findUniqueOrThrow({ where: { id: message } })).externalId;
    const res = await api<{ marked: number }>(portal, 'POST', `/api/chats/${chat}/read`, { token: admin });
    expect(res.body).toEqual({ marked: 1 });
    const call = await peer.waitFor(
      (c) => c.command === 'setStatusReading' && JSON.stringify(c.data).includes(String(externalId)),
    );
    expect(call.data).toEqual([[{ chat: { id: 'chat-read' }, message: { id: externalId } }]]);
    expect(await statusOf(message)).toBe('read');
    expect(
      (await api<{ marked: number }>(portal, 'POST', `/api/chats/${chat}/read`, { token: admin })).body,
    ).toEqual({ marked: 0 });
  });

  it('should send uploaded files as links the portal serves until the message is deleted', async () => {
    const { chat } = await customerWrites('chat-file');
    const bytes = Buffer.from('%PDF-1.4 a tiny invoice');
    const upload = await fetch(`${portal.url}/api/uploads?name=invoice.pdf&type=application/pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(upload.status).toBe(201);
    const file = (await upload.json()) as { id: string; size: number };
    expect(file.size).toBe(bytes.length);

    const { body } = await reply(chat, { text: '', fileIds: [file.id] });
    const call = await peer.waitFor((c) => names(c, 'sendMessage', body.id));
    const [sent] = itemsOf(call)[0].message.files ?? [];
    expect(sent).toMatchObject({ name: 'invoice.pdf', size: bytes.length, type: 'application/pdf' });
    // The portal listens on a random port, so PUBLIC_URL (which the link is built on) cannot name it.
    const link = new URL(new URL(sent.url).pathname, portal.url).toString();
    expect(sent.url).toMatch(/\/public\/files\/[\w-]+$/);
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);

    await api(portal, 'DELETE', `/api/messages/${body.id}`, { token: admin });
    expect((await fetch(link)).status).toBe(404);
  });

  describe('permissions', () => {
    let operator: string;
    let operatorId: number;

    beforeAll(async () => {
      const created = await api<{ id: number }>(portal, 'POST', '/api/users', {
        token: admin,
        body: { email: 'op@example.com', name: 'Olga', password: 'operator-pass', role: 'operator' },
      });
      operatorId = created.body.id;
      operator = await login(portal, 'op@example.com', 'operator-pass');
    });

    it("should answer 404 to an operator who is not on the chat's line", async () => {
      const { chat } = await customerWrites('chat-perm');
      expect((await reply(chat, { text: 'hi' }, operator)).status).toBe(404);
    });

    it('should let only the operator assigned to the open session answer', async () => {
      const { chat } = await customerWrites('chat-session');
      await db.lineOperator.create({ data: { lineId: Number(LINE), userId: operatorId, position: 0 } });
      // Routing opens the chat's session when the customer's message arrives and queues it (nobody
      // is online); the updates below bump the version, so a routing step still in flight loses.
      const session = await eventually(
        'the queued session',
        () => db.session.findFirst({ where: { chatId: chat, status: { not: 'closed' } } }),
        (row) => row !== null && row.status !== 'new',
      );
      if (!session) throw new Error('no open session');
      await db.session.update({
        where: { id: session.id },
        data: { status: 'assigned', operatorId: operatorId + 1000, version: { increment: 1 } },
      });
      expect((await reply(chat, { text: 'mine?' }, operator)).status).toBe(403);

      await db.session.update({
        where: { id: session.id },
        data: { operatorId, version: { increment: 1 } },
      });
      const ok = await reply(chat, { text: 'mine' }, operator);
      expect(ok.status).toBe(201);
      const call = await peer.waitFor((c) => names(c, 'sendMessage', ok.body.id));
      expect(itemsOf(call)[0].user).toEqual({ name: 'Olga' });
    });
  });

  describe('GET /api/stream', () => {
    it('should refuse a client without a valid token', async () => {
      expect((await fetch(`${portal.url}/api/stream`)).status).toBe(401);
      expect((await fetch(`${portal.url}/api/stream?token=forged`)).status).toBe(401);
      // An API token is not a stream token: it goes in the header, never in a URL.
      expect((await fetch(`${portal.url}/api/stream?token=${admin}`)).status).toBe(401);
    });

    it('should accept a stream token in the query and send heartbeats', async () => {
      const issued = await api<{ token: string }>(portal, 'POST', '/api/stream/token', { token: admin });
      expect(issued.status).toBe(201);
      const client = await openSse(`${portal.url}/api/stream?token=${encodeURIComponent(issued.body.token)}`);
      try {
        expect(client.status).toBe(200);
        expect(await client.waitForComment((c) => c === 'ping')).toBe('ping');
      } finally {
        client.close();
      }
    });

    it('should resume after Last-Event-ID with every later event, in order', async () => {
      const { chat } = await customerWrites('chat-resume', 'first');
      const first = await stream.waitFor(
        (e) => e.event === 'message.created' && e.data.includes('"text":"first"'),
      );
      await reply(chat, { text: 'second' });
      await customerWrites('chat-resume', 'third');
      const third = await stream.waitFor(
        (e) => e.event === 'message.created' && e.data.includes('"text":"third"'),
      );

      const resumed = await openSse(`${portal.url}/api/stream`, {
        authorization: `Bearer ${admin}`,
        'last-event-id': first.id!,
      });
      try {
        await resumed.waitFor((e) => e.event === 'message.created' && e.data.includes('"text":"third"'));
        const ids = resumed.events.map((e) => Number(e.id));
        expect(ids[0]).toBeGreaterThan(Number(first.id));
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        // The same events as the live client got between the two messages (routing may add more later).
        const between = (events: SseEvent[]) =>
          events
            .filter((e) => Number(e.id) > Number(first.id) && Number(e.id) <= Number(third.id))
            .map((e) => e.id);
        expect(between(resumed.events)).toEqual(between(stream.events));
        expect(resumed.events.some((e) => e.data.includes('"text":"second"'))).toBe(true);
      } finally {
        resumed.close();
      }
    });

    it("should show an operator only their lines' events", async () => {
      await api(portal, 'POST', '/api/users', {
        token: admin,
        body: { email: 'op2@example.com', name: 'Oleg', password: 'operator-pass', role: 'operator' },
      });
      const op2 = await login(portal, 'op2@example.com', 'operator-pass');
      const client = await openSse(`${portal.url}/api/stream`, { authorization: `Bearer ${op2}` });
      try {
        const m = olpMessage({ chatId: 'chat-other-line', text: 'line two' });
        await post(olpBody('receivingMessage', [m], { connector: CONNECTOR, line: '2' }));
        await stream.waitFor((e) => e.data.includes('"text":"line two"'));
        await customerWrites('chat-own-line', 'line one');
        await stream.waitFor((e) => e.data.includes('"text":"line one"'));
        expect(client.events).toEqual([]);
      } finally {
        client.close();
      }
    });
  });
});
