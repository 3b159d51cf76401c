import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { insertOutgoingMessage } from '../factories/open-lines.factory.js';
import { olpBody, olpMessage, signedPost, statusItem } from '../factories/packet.factory.js';
import { InboxWorker } from '../../src/portal/input/inbox/inbox.worker.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';
const CHAT = 'chat-status';

/**
 * WORKERS=false stands for a portal that dies right after answering: nothing runs the inbox
 * until the test does (runDue), so what was answered is applied only after the restart.
 */
describe('Input: status commands answered, then a restart before they are applied', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let first: TestPortal;
  let second: TestPortal | undefined;
  const env = () => ({ OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url, WORKERS: 'false' });
  const ids = { chat: 0, delivered: 0, read: 0, failed: 0 };
  let packets: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    first = await startPortal({ env: env() });
  });
  afterAll(async () => {
    await (second ?? first)?.close();
    await peer?.close();
  });

  const post = (portal: TestPortal, body: Record<string, unknown>) =>
    signedPost(`${portal.url}/olp/v1/input`, body, { keySpec, iss: SERVER_ID, aud: PORTAL_ID });
  const db = (portal: TestPortal) => portal.app.get(DatabaseService);
  const state = async (portal: TestPortal) => {
    const client = db(portal).client;
    const status = async (id: number) => {
      const m = await client.message.findUniqueOrThrow({ where: { id } });
      return { status: m.status, error: m.error, externalId: m.externalId };
    };
    return {
      delivered: await status(ids.delivered),
      read: await status(ids.read),
      failed: await status(ids.failed),
      blocked: (await client.chat.findUniqueOrThrow({ where: { id: ids.chat } })).blocked,
    };
  };
  const statusRows = (portal: TestPortal) =>
    db(portal).client.inboxMessage.findMany({
      where: { typeMessage: { not: 'message' } },
      orderBy: { id: 'asc' },
      select: { typeMessage: true, chatId: true, state: true },
    });

  it('should answer once the reports are stored, and apply each of them after the restart', async () => {
    // The chat and three operator messages in it, as sent before the reports come.
    expect((await post(first, olpBody('receivingMessage', [olpMessage({ chatId: CHAT })]))).status).toBe(200);
    await first.app.get(InboxWorker).runDue();
    ids.chat = (await db(first).client.chat.findFirstOrThrow({ where: { externalChatId: CHAT } })).id;
    for (const key of ['delivered', 'read', 'failed'] as const) {
      ids[key] = (await insertOutgoingMessage(db(first), { chatId: ids.chat })).id;
    }
    const im = (id: number) => ({ imChatId: String(ids.chat), imMessageId: String(id), chatId: CHAT });
    packets = {
      receivingStatusDelivery: olpBody('receivingStatusDelivery', [
        statusItem({ ...im(ids.delivered), externalIds: ['tg-1'] }),
      ]),
      receivingStatusReading: olpBody('receivingStatusReading', [statusItem(im(ids.read))]),
      receivingError: olpBody('receivingError', [
        {
          im: { chat_id: String(ids.chat), message_id: String(ids.failed) },
          chat: { id: CHAT },
          code: 'FORBIDDEN',
          message: 'bot was blocked by the user',
        },
      ]),
      receivingStatusBlock: olpBody('receivingStatusBlock', [{ chat: { id: CHAT }, user: { id: 'u-1' } }]),
    };

    for (const body of Object.values(packets)) {
      const res = await post(first, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, data: { received: 1 } });
    }
    // Answered, stored, and not applied: the process "dies" now.
    expect(await statusRows(first)).toEqual(
      Object.keys(packets).map((typeMessage) => ({ typeMessage, chatId: CHAT, state: 'pending' })),
    );
    const untouched = { status: 'sent', error: null, externalId: null };
    expect(await state(first)).toEqual({
      delivered: untouched,
      read: untouched,
      failed: untouched,
      blocked: false,
    });
    await first.stop();

    second = await startPortal({ reuse: first, env: env() });
    expect(await second.app.get(InboxWorker).runDue()).toEqual(['done', 'done', 'done', 'done']);
    expect(await state(second)).toEqual({
      delivered: { status: 'delivered', error: null, externalId: '["tg-1"]' },
      read: { status: 'read', error: null, externalId: null },
      failed: { status: 'failed', error: 'FORBIDDEN: bot was blocked by the user', externalId: null },
      blocked: true,
    });
  }, 60_000);

  it('should apply a repeat of the same packet once', async () => {
    const portal = second!;
    const fired: string[] = [];
    const emitter = portal.app.get(EventEmitter2);
    for (const name of [
      'OnReceivedStatusDelivery',
      'OnReceivedStatusReading',
      'OnReceivedError',
      'OnReceivedStatusBlock',
    ]) {
      emitter.on(name, () => fired.push(name));
    }
    // The server sends again what it saw no answer for (a new token, the same data).
    for (const body of Object.values(packets)) {
      const res = await post(portal, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, data: { received: 1 } });
    }
    expect(await portal.app.get(InboxWorker).runDue()).toEqual([]);
    expect(fired).toEqual([]);
    expect((await statusRows(portal)).map((r) => r.state)).toEqual(['done', 'done', 'done', 'done']);
  });
});
