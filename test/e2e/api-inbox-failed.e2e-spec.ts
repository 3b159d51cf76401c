import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InboxRepository } from '../../src/portal/input/inbox/inbox.repository.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { olpMessage } from '../factories/packet.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const METRICS_TOKEN = 'metrics-token-of-the-test';
const GAUGE = 'switchboard_inbox_failed_messages';

interface AlertBody {
  kind: string;
  connector: string | null;
  lineId: number | null;
  message: string;
}

/** A parked inbox row as an admin finds it: alert, /metrics count, list, and replay. */
describe('failed inbox rows for admins', () => {
  let portal: TestPortal;
  let db: DatabaseService['client'];
  let admin: string;
  let operator: string;

  beforeAll(async () => {
    portal = await startPortal({ env: { INBOX_MAX_ATTEMPTS: '1', METRICS_TOKEN } });
    db = portal.app.get(DatabaseService).client;
    admin = await login(portal, testAdmin.email, testAdmin.password);
    const created = await api(portal, 'POST', '/api/users', {
      token: admin,
      body: { email: 'oleg@example.test', name: 'Oleg', password: 'operator-password', role: 'operator' },
    });
    expect(created.status).toBe(201);
    operator = await login(portal, 'oleg@example.test', 'operator-password');
  });
  afterAll(async () => {
    await portal?.close();
  });

  const scrape = async (token: string | null = METRICS_TOKEN) => {
    const res = await fetch(`${portal.url}/metrics`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const failedCount = async () => {
    const line = new RegExp(`^${GAUGE} (\\d+)$`, 'm').exec((await scrape()).text);
    return line ? Number(line[1]) : undefined;
  };

  it('should alert, count, list and replay a parked row until it is processed', async () => {
    expect(await failedCount()).toBe(0);

    // A row whose stored payload no longer parses fails on its only attempt and is parked.
    const message = olpMessage({ chatId: 'parked-chat', text: 'kept for replay' });
    const [stored] = await portal.app.get(InboxRepository).storePacket({
      connector: 'telegrambot',
      line: '5',
      now: new Date(),
      messages: [
        { chatId: 'parked-chat', messageId: message.message.id, typeMessage: 'message', payload: '{}' },
      ],
    });
    await eventually(
      'the row parked failed',
      () => db.inboxMessage.findUniqueOrThrow({ where: { id: stored.id } }),
      (row) => row.state === 'failed',
    );

    const alerts = (await api<AlertBody[]>(portal, 'GET', '/api/alerts', { token: admin })).body;
    expect(alerts[0]).toMatchObject({ kind: 'inbox_failed', connector: 'telegrambot', lineId: 5 });
    expect(alerts[0].message).toContain(`POST /api/inbox/failed/${stored.id}/replay`);
    expect(await failedCount()).toBe(1);
    const list = await api<{ id: number; lastError: string }[]>(portal, 'GET', '/api/inbox/failed', {
      token: admin,
    });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ id: stored.id, chatId: 'parked-chat', attempts: 1 }),
    ]);
    expect(list.body[0].lastError).toMatch(/not an OLP message/);

    // The cause is mended (here: the payload), then the admin replays it.
    await db.inboxMessage.update({ where: { id: stored.id }, data: { payload: JSON.stringify(message) } });
    const replay = await api(portal, 'POST', `/api/inbox/failed/${stored.id}/replay`, { token: admin });
    expect(replay).toMatchObject({ status: 200, body: { id: stored.id, state: 'pending' } });
    await eventually(
      'the replayed row processed',
      () => db.inboxMessage.findUniqueOrThrow({ where: { id: stored.id } }),
      (row) => row.state === 'done',
    );
    const chat = await db.chat.findFirstOrThrow({ where: { externalChatId: 'parked-chat' } });
    expect(await db.message.findMany({ where: { chatId: chat.id }, select: { text: true } })).toEqual([
      { text: 'kept for replay' },
    ]);
    expect(await failedCount()).toBe(0);

    // A row that is not failed (any more) is a conflict.
    expect(
      await api(portal, 'POST', `/api/inbox/failed/${stored.id}/replay`, { token: admin }),
    ).toMatchObject({ status: 409, body: { message: `inbox row ${stored.id} is not failed` } });
  });

  it('should answer 404 for an unknown row and 400 for an id that is none', async () => {
    expect(await api(portal, 'POST', '/api/inbox/failed/999999/replay', { token: admin })).toMatchObject({
      status: 404,
      body: { message: 'inbox row 999999 does not exist' },
    });
    expect((await api(portal, 'POST', '/api/inbox/failed/abc/replay', { token: admin })).status).toBe(400);
  });

  it('should keep the list and the replay to admins', async () => {
    expect((await api(portal, 'GET', '/api/inbox/failed', { token: operator })).status).toBe(403);
    expect((await api(portal, 'POST', '/api/inbox/failed/1/replay', { token: operator })).status).toBe(403);
    expect((await api(portal, 'GET', '/api/inbox/failed')).status).toBe(401);
  });

  it('should serve /metrics in Prometheus text format only with the metrics token', async () => {
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toContain(`# TYPE ${GAUGE} gauge`);
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token')).status).toBe(401);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('should be open, like /health', async () => {
    const portal = await startPortal();
    try {
      const res = await fetch(`${portal.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(new RegExp(`^${GAUGE} 0$`, 'm'));
    } finally {
      await portal.close();
    }
  });
});
