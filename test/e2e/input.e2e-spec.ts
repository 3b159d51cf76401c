import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  olpBody,
  olpMessage,
  signedPost,
  statusItem,
  type SignedPostOptions,
} from '../factories/packet.factory.js';
import type { PortalEventMap, PortalEventName } from '../../src/portal/events/events.js';
import type { MessageResult } from '../../src/portal/input/handlers/receiving-message.handler.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec, MAX_BODY_BYTES } from '../../src/protocol/index.js';
import { startOlpPeer, type OlpPeer, type RecordedCall } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';

describe('POST /olp/v1/input', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let url: string;
  let db: DatabaseService['client'];
  const seen: { name: PortalEventName; payload: unknown }[] = [];

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
    url = `${portal.url}/olp/v1/input`;
    db = portal.app.get(DatabaseService).client;
    const emitter = portal.app.get(EventEmitter2);
    const names: PortalEventName[] = [
      'OnReceivedStatusDelivery',
      'OnReceivedStatusReading',
      'OnReceivedError',
      'OnReceivedStatusBlock',
      'OnNewChatName',
      'OnConnectorDeactivated',
      'OnReceivedMessage',
      'OnReceivedMessageUpdate',
      'OnReceivedMessageDel',
      'OnReceivedStatusWrites',
      'OnReceivedCommandStart',
    ];
    for (const name of names) emitter.on(name, (payload: unknown) => seen.push({ name, payload }));
  });
  afterAll(async () => {
    await portal?.close();
    await peer?.close();
  });

  const post = <T = unknown>(body: Record<string, unknown> | string, o: Partial<SignedPostOptions> = {}) =>
    signedPost<T>(url, body, { keySpec, iss: SERVER_ID, aud: PORTAL_ID, ...o });

  const eventsNamed = <E extends PortalEventName>(name: E) =>
    seen.filter((e) => e.name === name).map((e) => e.payload as PortalEventMap[E]);

  /** Resolves once `pred` holds, polling; fails the test with `what` after 15 s. */
  async function eventually<T>(
    what: string,
    probe: () => Promise<T> | T,
    pred: (v: T) => boolean,
  ): Promise<T> {
    const until = Date.now() + 15_000;
    for (;;) {
      const value = await probe();
      if (pred(value)) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Whether a call to the peer is a setStatusDelivered naming that message id. */
  const confirms = (call: RecordedCall, messageId: string) =>
    call.command === 'setStatusDelivered' &&
    JSON.stringify(call.data).includes(`"message":${JSON.stringify({ id: messageId })}`);

  const inboxRows = (chatId: string) =>
    db.inboxMessage.findMany({ where: { chatId }, orderBy: { id: 'asc' } });

  describe('testConnect', () => {
    it('should answer {result: OK}', async () => {
      const res = await post(olpBody('testConnect', {}, { line: null }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, data: { result: 'OK' } });
    });
  });

  describe('signature', () => {
    it('should refuse a bad signature with 401 and store neither the packet nor its jti', async () => {
      const chatId = 'chat-badsig';
      const res = await post(olpBody('receivingMessage', [olpMessage({ chatId })]), {
        secret: new Uint8Array(32).fill(1),
        jti: 'jti-badsig',
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        ok: false,
        error: [{ code: 'SIGNATURE_INVALID', message: expect.any(String) }],
      });
      expect(await inboxRows(chatId)).toEqual([]);
      expect(await db.seenJti.findMany({ where: { jti: 'jti-badsig' } })).toEqual([]);
    });

    it('should refuse a replayed packet with 401 REPLAYED', async () => {
      const body = olpBody('testConnect', {});
      const first = await post(body);
      expect(first.status).toBe(200);
      const again = await post(first.rawBody, { token: first.token });
      expect(again.status).toBe(401);
      expect(again.body).toMatchObject({ ok: false, error: [{ code: 'REPLAYED' }] });
    });

    it('should refuse a packet without Authorization', async () => {
      const res = await post(olpBody('testConnect', {}), { token: null });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'SIGNATURE_INVALID' }] });
    });

    it('should refuse a key the portal does not know with 401 UNKNOWN_KEY', async () => {
      const res = await post(olpBody('testConnect', {}), { keySpec: generateKeySpec('other') });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'UNKNOWN_KEY' }] });
    });
  });

  describe('malformed packets', () => {
    it('should answer 400 naming a missing envelope field', async () => {
      const res = await post({ command: 'testConnect', line: null, data: {} });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        ok: false,
        error: [
          {
            code: 'MALFORMED_PACKET',
            message: expect.stringContaining('body.connector'),
            field: 'body.connector',
          },
        ],
      });
    });

    it('should answer 400 naming the field of a bad message and store none of the packet', async () => {
      const chatId = 'chat-malformed';
      const good = olpMessage({ chatId });
      const bad = { ...olpMessage({ chatId }), message: { id: 'm-x', date: 'yesterday' } };
      const res = await post(olpBody('receivingMessage', [good, bad]));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        ok: false,
        error: [{ code: 'MALFORMED_PACKET', field: 'body.data.1.message.date' }],
      });
      expect(await inboxRows(chatId)).toEqual([]);
    });

    it('should answer 400 in OLP shape for a body that is not JSON', async () => {
      const res = await post('{"command": "testConnect",', { cmd: 'testConnect' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'MALFORMED_PACKET', field: 'body' }] });
    });

    it('should answer in OLP shape for a body that is not sent as JSON', async () => {
      const res = await post(olpBody('testConnect', {}), { headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'MALFORMED_PACKET' }] });
    });

    it('should answer 404 UNKNOWN_COMMAND for a command the portal does not serve', async () => {
      const res = await post(olpBody('sendMessage', []));
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        ok: false,
        error: [{ code: 'UNKNOWN_COMMAND', field: 'body.command' }],
      });
    });
  });

  describe('size limit', () => {
    const padded = (bytes: number) => {
      const body = JSON.stringify(olpBody('testConnect', { pad: '' }));
      return body.replace('"pad":""', `"pad":"${'x'.repeat(bytes - body.length)}"`);
    };

    it('should answer 413 PACKET_TOO_LARGE just past 10 MiB', async () => {
      const res = await post(padded(MAX_BODY_BYTES + 1));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'PACKET_TOO_LARGE' }] });
    });

    it('should answer 413 in OLP shape past the HTTP server limit too', async () => {
      const res = await post(padded(MAX_BODY_BYTES + 64 * 1024));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ ok: false, error: [{ code: 'PACKET_TOO_LARGE' }] });
    });

    it('should take a packet of exactly 10 MiB', async () => {
      const res = await post(padded(MAX_BODY_BYTES));
      expect(res.status).toBe(200);
    });
  });

  describe('status commands', () => {
    it('should emit OnReceivedStatusDelivery and OnReceivedStatusReading with the items', async () => {
      const items = [statusItem({ chatId: 'chat-s' })];
      for (const command of ['receivingStatusDelivery', 'receivingStatusReading'] as const) {
        const res = await post(olpBody(command, items, { line: '3' }));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true, data: { received: 1 } });
      }
      // Applied from the inbox once stored, so a moment after the answer.
      const expected = { connector: 'telegrambot', line: '3', items };
      for (const name of ['OnReceivedStatusDelivery', 'OnReceivedStatusReading'] as const) {
        await eventually(
          name,
          () => eventsNamed(name),
          (e) => e.some((p) => isDeepStrictEqual(p, expected)),
        );
      }
    });

    it('should emit OnReceivedError with the reasons', async () => {
      const items = [
        {
          im: { chat_id: '1', message_id: '2' },
          chat: { id: 'chat-e' },
          code: 'BLOCKED',
          message: 'bot blocked',
        },
      ];
      const res = await post(olpBody('receivingError', items, { line: '3' }));
      expect(res.status).toBe(200);
      const expected = { connector: 'telegrambot', line: '3', items };
      await eventually(
        'OnReceivedError',
        () => eventsNamed('OnReceivedError'),
        (e) => e.some((p) => isDeepStrictEqual(p, expected)),
      );
    });

    it('should emit OnReceivedStatusBlock and OnNewChatName with their items', async () => {
      const block = await post(
        olpBody('receivingStatusBlock', [{ chat: { id: 'chat-b' }, user: { id: 77 } }], { line: '3' }),
      );
      const name = await post(
        olpBody('setChatName', [{ chat: { id: 'chat-b' }, name: 'Renamed' }], { line: '3' }),
      );
      expect([block.status, name.status]).toEqual([200, 200]);
      const blocked = { connector: 'telegrambot', line: '3', items: [{ chatId: 'chat-b', userId: '77' }] };
      await eventually(
        'OnReceivedStatusBlock',
        () => eventsNamed('OnReceivedStatusBlock'),
        (e) => e.some((p) => isDeepStrictEqual(p, blocked)),
      );
      expect(eventsNamed('OnNewChatName')).toContainEqual({
        connector: 'telegrambot',
        line: '3',
        items: [{ chatId: 'chat-b', name: 'Renamed' }],
      });
    });

    it('should emit OnConnectorDeactivated with the reason', async () => {
      const res = await post(
        olpBody('deactivateConnector', { reason: 'connected elsewhere' }, { connector: 'viber', line: '5' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, data: { result: 'OK' } });
      expect(eventsNamed('OnConnectorDeactivated')).toContainEqual({
        connector: 'viber',
        line: '5',
        reason: 'connected elsewhere',
      });
    });

    it('should answer 400 naming the field of a bad status item', async () => {
      const res = await post(olpBody('receivingStatusDelivery', [{ chat: { id: 'c' } }]));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        ok: false,
        error: [{ code: 'MALFORMED_PACKET', field: 'body.data.0.im' }],
      });
    });
  });

  describe('receivingMessage', () => {
    it('should store, confirm with setStatusDelivered, answer per message and then fire one event each', async () => {
      const messages = [
        olpMessage({ chatId: 'chat-m1' }),
        olpMessage({ chatId: 'chat-m1' }),
        olpMessage({ chatId: 'chat-m2' }),
      ];
      const res = await post<MessageResult[]>(olpBody('receivingMessage', messages, { line: '9' }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: true,
        data: messages.map((m) => ({ chat: { id: m.chat.id }, message: { id: m.message.id }, ok: true })),
      });

      const confirmation = await peer.waitFor((c) => confirms(c, messages[0].message.id));
      expect(confirmation).toMatchObject({ connector: 'telegrambot', line: '9' });
      expect(confirmation.data).toEqual([
        messages.map((m) => ({ chat: { id: m.chat.id }, message: { id: m.message.id } })),
      ]);

      const received = await eventually(
        'the three OnReceivedMessage events',
        () =>
          eventsNamed('OnReceivedMessage').filter((p) => ['chat-m1', 'chat-m2'].includes(p.message.chat.id)),
        (list) => list.length === 3,
      );
      expect(received.map((p) => p.message.message.id).sort()).toEqual(
        messages.map((m) => m.message.id).sort(),
      );
      expect(received[0]).toMatchObject({ connector: 'telegrambot', line: '9', userId: expect.any(Number) });
      const rows = await eventually(
        'rows marked done',
        () => db.inboxMessage.findMany({ where: { chatId: { in: ['chat-m1', 'chat-m2'] } } }),
        (list) => list.every((r) => r.state === 'done'),
      );
      expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1]);
    });

    it('should answer a repeat with duplicate: true, confirm it again and fire nothing new', async () => {
      const chatId = 'chat-dup';
      const first = olpMessage({ chatId });
      await post(olpBody('receivingMessage', [first]));
      await eventually(
        'the first event',
        () => eventsNamed('OnReceivedMessage').filter((p) => p.message.chat.id === chatId),
        (l) => l.length === 1,
      );

      const second = olpMessage({ chatId });
      const res = await post<MessageResult[]>(olpBody('receivingMessage', [first, second, second]));
      expect(res.body).toEqual({
        ok: true,
        data: [
          { chat: { id: chatId }, message: { id: first.message.id }, ok: true, duplicate: true },
          { chat: { id: chatId }, message: { id: second.message.id }, ok: true },
          { chat: { id: chatId }, message: { id: second.message.id }, ok: true, duplicate: true },
        ],
      });
      const confirmations = await eventually(
        'both confirmations',
        () => peer.calls.filter((c) => confirms(c, first.message.id)),
        (l) => l.length === 2,
      );
      expect(confirmations[1].data).toEqual([
        [first, second, second].map((m) => ({ chat: { id: chatId }, message: { id: m.message.id } })),
      ]);
      await eventually(
        'the second event',
        () => eventsNamed('OnReceivedMessage').filter((p) => p.message.chat.id === chatId),
        (l) => l.length === 2,
      );
      expect(await inboxRows(chatId)).toHaveLength(2);
      expect(
        eventsNamed('OnReceivedMessage').filter((p) => p.message.message.id === first.message.id),
      ).toHaveLength(1);
    });

    it('should take each edit of a message once: edits differ by their date', async () => {
      const chatId = 'chat-edits';
      const edit = (date: number) => {
        const m = olpMessage({ chatId, type: 'message_update', messageId: 'edited-1' });
        return { ...m, message: { ...m.message, date } };
      };
      const res = await post<MessageResult[]>(
        olpBody('receivingMessage', [edit(1_790_000_100), edit(1_790_000_200), edit(1_790_000_100)]),
      );

      expect(res.body.ok && res.body.data.map((r) => r.duplicate ?? false)).toEqual([false, false, true]);
      const updates = await eventually(
        'both edits',
        () => eventsNamed('OnReceivedMessageUpdate').filter((p) => p.message.chat.id === chatId),
        (l) => l.length === 2,
      );
      expect(updates.map((p) => p.message.message.date)).toEqual([1_790_000_100, 1_790_000_200]);
    });

    it('should fire the event of each type_message', async () => {
      const chatId = 'chat-types';
      const types = ['message', 'message_update', 'message_del', 'typing_start', 'command_start'] as const;
      const res = await post(
        olpBody(
          'receivingMessage',
          types.map((type) => olpMessage({ chatId, type, messageId: `t-${type}` })),
        ),
      );
      expect(res.status).toBe(200);
      const expected: [PortalEventName, string][] = [
        ['OnReceivedMessage', 'message'],
        ['OnReceivedMessageUpdate', 'message_update'],
        ['OnReceivedMessageDel', 'message_del'],
        ['OnReceivedStatusWrites', 'typing_start'],
        ['OnReceivedCommandStart', 'command_start'],
      ];
      for (const [name, type] of expected) {
        await eventually(
          `${name} for ${type}`,
          () =>
            seen.filter(
              (e) =>
                e.name === name &&
                (e.payload as PortalEventMap['OnReceivedMessage']).message.chat.id === chatId,
            ),
          (l) => l.length === 1,
        );
      }
    });
  });

  describe('processing', () => {
    it('should retry a failing message with backoff, keeping the later messages of its chat behind it', async () => {
      const chatId = 'chat-retry';
      const [m1, m2] = [olpMessage({ chatId }), olpMessage({ chatId })];
      const other = olpMessage({ chatId: 'chat-retry-other' });
      const order: string[] = [];
      let failures = 0;
      const emitter = portal.app.get(EventEmitter2);
      const listener = (p: PortalEventMap['OnReceivedMessage']) => {
        if (p.message.message.id === m1.message.id && failures === 0) {
          failures++;
          throw new Error('listener failed once');
        }
        order.push(p.message.message.id);
      };
      emitter.on('OnReceivedMessage', listener);
      try {
        const sentAt = Date.now();
        const res = await post(olpBody('receivingMessage', [m1, m2, other]));
        expect(res.status).toBe(200);

        const [failed] = await eventually(
          'the first failure',
          () => inboxRows(chatId),
          (rows) => rows[0]?.lastError != null,
        );
        expect(failed).toMatchObject({
          state: 'pending',
          attempts: 1,
          lastError: expect.stringContaining('listener failed once'),
        });
        expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(sentAt);
        await eventually(
          'the other chat',
          () => order,
          (o) => o.includes(other.message.id),
        );
        expect(order).not.toContain(m2.message.id);

        const rows = await eventually(
          'both done',
          () => inboxRows(chatId),
          (r) => r.every((row) => row.state === 'done'),
        );
        expect(rows.map((r) => [r.messageId, r.attempts])).toEqual([
          [m1.message.id, 2],
          [m2.message.id, 1],
        ]);
        expect(order.filter((id) => id !== other.message.id)).toEqual([m1.message.id, m2.message.id]);
      } finally {
        emitter.off('OnReceivedMessage', listener);
      }
    }, 30_000);
  });
});
