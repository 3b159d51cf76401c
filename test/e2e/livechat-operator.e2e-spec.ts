import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSse, type SseClient, type SseEvent } from '../../src/bench/sse-client.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { Visitor } from '../server/livechat/visitor.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { connectLiveChat, startLiveChatPair, type LiveChatPair } from '../support/livechat.js';

interface MessageBody {
  id: number;
  chatId: number;
  direction: string;
  text: string;
  status: string;
}
interface SessionBody {
  id: number;
  chatId: number;
  status: string;
  operatorId: number | null;
  acceptedAt: string | null;
}

const payloadOf = (e: SseEvent) => (JSON.parse(e.data) as { payload: Record<string, unknown> }).payload;
const statusEvent = (messageId: number, status: string) => (e: SseEvent) =>
  e.event === 'message.status' && payloadOf(e).messageId === messageId && payloadOf(e).status === status;

/**
 * The whole way with both real processes and their workers running: a website visitor's message
 * reaches an operator of the line, the operator's reply reaches the visitor, and the statuses come
 * back to the portal.
 */
describe('live chat visitor and portal operator', () => {
  let pair: LiveChatPair;
  let portalDb: DatabaseService['client'];
  let lineId: number;
  let operatorId: number;
  let operator: string;
  let visitor: Visitor;
  let stream: SseClient;

  const as = (token: string) => ({
    get: <T>(path: string) => api<T>(pair.portal, 'GET', path, { token }),
    send: <T>(method: string, path: string, body?: unknown) =>
      api<T>(pair.portal, method, path, { token, body }),
  });

  beforeAll(async () => {
    pair = await startLiveChatPair({
      serverEnv: { WORKERS: 'true', WORKER_POLL: '50ms' },
      portalEnv: { STREAM_POLL_MS: '20', STREAM_HEARTBEAT_MS: '200' },
    });
    const { portal, server } = pair;
    portalDb = portal.app.get(DatabaseService).client;

    const admin = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await as(admin).send<{ id: number }>('POST', '/api/lines', { name: 'Website' })).body.id;
    visitor = new Visitor(server.url, await connectLiveChat(portal, admin, lineId));

    const user = await as(admin).send<{ id: number }>('POST', '/api/users', {
      email: 'olga@example.test',
      name: 'Olga',
      password: 'operator-password',
      role: 'operator',
    });
    operatorId = user.body.id;
    expect(
      (await as(admin).send('PUT', `/api/lines/${lineId}/operators`, { userIds: [operatorId] })).body,
    ).toEqual({ userIds: [operatorId] });
    operator = await login(portal, 'olga@example.test', 'operator-password');
    expect(
      (await as(operator).send('PUT', '/api/operators/me/presence', { status: 'online' })).body,
    ).toMatchObject({ status: 'online' });

    // The operator's UI follows the stream with a short-lived stream token, as EventSource does.
    const issued = await as(operator).send<{ token: string }>('POST', '/api/stream/token');
    stream = await openSse(`${portal.url}/api/stream?token=${encodeURIComponent(issued.body.token)}`);
    expect(stream.status).toBe(200);
  });
  afterAll(async () => {
    stream?.close();
    await pair?.close();
  });

  it("should bring the visitor's message to the operator, the reply to the visitor, and the statuses back", async () => {
    const session = await visitor.start({ name: 'Ann' });
    expect((await visitor.post({ text: 'Hello' })).status).toBe(202);

    // The operator's stream shows the new chat and the message.
    const created = await stream.waitFor(
      (e) =>
        e.event === 'chat.created' && (payloadOf(e).chat as { connector: string }).connector === 'livechat',
    );
    const chatId = (payloadOf(created).chat as { id: number }).id;
    const incoming = payloadOf(
      await stream.waitFor(
        (e) =>
          e.event === 'message.created' &&
          (payloadOf(e).message as MessageBody).chatId === chatId &&
          (payloadOf(e).message as MessageBody).direction === 'in',
      ),
    ).message as MessageBody;
    expect(incoming).toMatchObject({ text: 'Hello', direction: 'in' });
    expect(
      await portalDb.chat.findUniqueOrThrow({ where: { id: chatId }, select: { externalChatId: true } }),
    ).toEqual({ externalChatId: session.chatId });

    // Routing gives the session to the only operator online, who accepts it.
    const mine = await eventually(
      'the session assigned to the operator',
      async () => (await as(operator).get<SessionBody[]>('/api/sessions?mine=true')).body,
      (list) => list.some((s) => s.chatId === chatId && s.status === 'assigned'),
    );
    const assigned = mine.find((s) => s.chatId === chatId)!;
    expect(assigned.operatorId).toBe(operatorId);
    await stream.waitFor(
      (e) =>
        e.event === 'session.assigned' &&
        payloadOf(e).sessionId === assigned.id &&
        payloadOf(e).operatorId === operatorId,
    );
    const accepted = await as(operator).send<SessionBody>('POST', `/api/sessions/${assigned.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.acceptedAt).not.toBeNull();

    // The operator replies; the visitor's SSE stream receives it.
    const visitorFrames = visitor.stream(1);
    const reply = await as(operator).send<MessageBody>('POST', `/api/chats/${chatId}/replies`, {
      text: 'Hi, how can I help?',
    });
    expect(reply.status).toBe(201);
    const [frame] = await visitorFrames;
    expect(frame.data).toMatchObject({
      type: 'message',
      message: { text: 'Hi, how can I help?', author: 'Olga' },
    });

    // The connector server reports the delivery; the portal shows it, and so does the stream.
    await eventually(
      'the reply delivered',
      async () =>
        (await as(operator).get<MessageBody[]>(`/api/chats/${chatId}/messages`)).body.find(
          (m) => m.id === reply.body.id,
        )?.status,
      (status) => status === 'delivered',
    );
    await stream.waitFor(statusEvent(reply.body.id, 'delivered'));

    // The operator reads the visitor's message: the portal marks it read and sends setStatusReading,
    // which the connector server carries to the visitor as a `read` event for that message.
    const read = await as(operator).send<{ marked: number }>('POST', `/api/chats/${chatId}/read`);
    expect(read.body).toEqual({ marked: 1 });
    await stream.waitFor(statusEvent(incoming.id, 'read'));
    const call = await eventually(
      'setStatusReading accepted by the connector server',
      () =>
        portalDb.outboxCall.findFirst({
          where: { connector: 'livechat', lineId: String(lineId), method: 'setStatusReading' },
        }),
      (row) => row?.state === 'sent',
    );
    const { externalId } = await portalDb.message.findUniqueOrThrow({ where: { id: incoming.id } });
    expect(JSON.parse(call!.data)).toEqual([[{ chat: { id: session.chatId }, message: { id: externalId } }]]);
    const events = await eventually(
      'the read mark in the visitor’s events',
      async () => (await visitor.poll(0)).events,
      (list) => list.length >= 2,
    );
    expect(events).toEqual([
      frame.data,
      { id: expect.any(Number), type: 'read', message: { id: externalId, date: expect.any(Number) } },
    ]);
    await eventually(
      'the read marks done on the server',
      () => pair.server.db.outboundCall.count(),
      (left) => left === 0,
    );
  });
});
