import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { olpBody, olpMessage, signedPost, type SignedPostResult } from '../factories/packet.factory.js';
import type { PortalEventMap } from '../../src/portal/events/events.js';
import { InboxWorker } from '../../src/portal/input/inbox/inbox.worker.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';

/**
 * Both runs start with WORKERS=false and start the inbox worker by hand, after the test's listener
 * is in place: otherwise the worker could process rows before the test can watch.
 */
describe('Input: restart in the middle of processing', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let first: TestPortal;
  let second: TestPortal | undefined;
  const env = () => ({ OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url, WORKERS: 'false' });

  const [a1, a2, a3] = [
    olpMessage({ chatId: 'A' }),
    olpMessage({ chatId: 'A' }),
    olpMessage({ chatId: 'A' }),
  ];
  const b1 = olpMessage({ chatId: 'B' });
  const c1 = olpMessage({ chatId: 'C' });
  const packet = olpBody('receivingMessage', [a1, b1, c1, a2, a3]);
  let sent: SignedPostResult;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    first = await startPortal({ env: env() });
  });
  afterAll(async () => {
    await (second ?? first)?.close();
    await peer?.close();
  });

  const post = (portal: TestPortal, body: Record<string, unknown> | string, token?: string) =>
    signedPost(`${portal.url}/olp/v1/input`, body, { keySpec, iss: SERVER_ID, aud: PORTAL_ID, token });

  const watch = (
    portal: TestPortal,
    onEvent: (p: PortalEventMap['OnReceivedMessage']) => Promise<void> | void,
  ) => {
    // emitAsync (PortalEvents) awaits the promise a listener returns: that is what makes one hang.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    portal.app.get(EventEmitter2).on('OnReceivedMessage', onEvent);
  };

  const rows = (portal: TestPortal) =>
    portal.app
      .get(DatabaseService)
      .client.inboxMessage.findMany({ orderBy: { id: 'asc' } })
      .then((list) => new Map(list.map((r) => [r.messageId, r])));

  it('should hand back what was running on stop, and process every message exactly once after the restart', async () => {
    // First run: B finishes; A's first message and C's hang in a listener, so they are running
    // when the app stops, and A's later messages wait behind A's first.
    sent = await post(first, packet);
    expect(sent.status).toBe(200);
    const firstRun: string[] = [];
    watch(first, (p) => {
      firstRun.push(p.message.message.id);
      if (p.message.message.id !== b1.message.id) return new Promise<void>(() => undefined);
    });
    first.app.get(InboxWorker).start();
    await eventually(async () => (await rows(first)).get(b1.message.id)?.state === 'done');
    await eventually(() => firstRun.length === 3);
    const before = await rows(first);
    expect([a1, a2, a3, c1].map((m) => before.get(m.message.id)?.state)).toEqual([
      'processing',
      'pending',
      'pending',
      'processing',
    ]);
    await first.stop();

    second = await startPortal({ reuse: first, env: env() });
    const db = second.app.get(DatabaseService).client;
    const handedBack = await rows(second);
    expect(handedBack.get(a1.message.id)).toMatchObject({ state: 'pending', attempts: 1 });
    // C stands for a process that died outright: its row stays claimed until the lease runs out.
    // Moving the lease into the past is what time would do.
    await db.inboxMessage.update({
      where: { id: handedBack.get(c1.message.id)!.id },
      data: { state: 'processing', nextAttemptAt: new Date(Date.now() - 1_000) },
    });

    const secondRun: string[] = [];
    watch(second, (p) => {
      secondRun.push(p.message.message.id);
    });
    second.app.get(InboxWorker).start();
    await eventually(async () => [...(await rows(second!)).values()].every((r) => r.state === 'done'));

    expect(secondRun.filter((id) => [a1, a2, a3].some((m) => m.message.id === id))).toEqual([
      a1.message.id,
      a2.message.id,
      a3.message.id,
    ]);
    expect([...secondRun].sort()).toEqual([a1, a2, a3, c1].map((m) => m.message.id).sort());
    const after = await rows(second);
    expect([a1, a2, a3, b1, c1].map((m) => after.get(m.message.id)?.attempts)).toEqual([2, 1, 1, 1, 2]);
  }, 60_000);

  it('should still know the jti of the first run, and answer the same messages as duplicates', async () => {
    const portal = second!;
    const replay = await post(portal, sent.rawBody, sent.token!);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ ok: false, error: [{ code: 'REPLAYED' }] });

    const again = await post(portal, packet);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ok: true, data: Array(5).fill({ ok: true, duplicate: true }) });
    const inbox = await portal.app.get(DatabaseService).client.inboxMessage.count();
    expect(inbox).toBe(5);
  });
});

async function eventually(pred: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(await pred())) {
    if (Date.now() > until) throw new Error('condition not met within 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
