import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Clock, ManualClock } from '../../src/common/clock.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { PortalConfig } from '../../src/portal/config.js';
import { OutboxRepository } from '../../src/portal/output/outbox.repository.js';
import { OutboxWorker } from '../../src/portal/output/outbox.worker.js';
import { OutputModule } from '../../src/portal/output/output.module.js';
import { OutputService } from '../../src/portal/output/output.service.js';
import { StorageModule } from '../../src/portal/storage/storage.module.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { startOlpPeer, type OlpPeer, type RecordedCall } from '../support/olp-peer.js';

/**
 * The outbox against a real database and a real HTTP peer, with a ManualClock and the worker
 * driven pass by pass (WORKERS=false), so retries and their order are deterministic.
 * Each "portal process" is its own Nest container with its own database connection.
 */
interface OutputProcess {
  output: OutputService;
  worker: OutboxWorker;
  outbox: OutboxRepository;
  close(): Promise<void>;
}

class ConfigHolder {}

async function startOutputProcess(config: PortalConfig, clock: Clock): Promise<OutputProcess> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      {
        module: ConfigHolder,
        global: true,
        providers: [{ provide: PortalConfig, useValue: config }],
        exports: [PortalConfig],
      },
      StorageModule,
      OutputModule,
    ],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return {
    output: moduleRef.get(OutputService),
    worker: moduleRef.get(OutboxWorker),
    outbox: moduleRef.get(OutboxRepository),
    close: () => moduleRef.close(),
  };
}

/** Runs worker passes until a pass finds nothing due. */
async function drain(...workers: OutboxWorker[]): Promise<void> {
  for (;;) {
    const claimed = await Promise.all(workers.map((w) => w.runOnce()));
    if (claimed.every((n) => n === 0)) return;
  }
}

const outgoing = (text: string) => ({
  im: { chat_id: '10', message_id: text },
  chat: { id: 'chat-1' },
  message: { text },
});

/** Texts of the sendMessage calls the peer accepted on one connector (and line), in arrival order. */
const accepted = (peer: OlpPeer, connector: string, line?: string) =>
  peer.calls
    .filter((c: RecordedCall) => c.connector === connector && c.status === 202)
    .filter((c) => line === undefined || c.line === line)
    .map((c) => (c.data as [{ message: { text: string } }[]])[0][0]?.message.text);

const unavailable = () => ({
  status: 503,
  body: { ok: false, error: [{ code: 'UNAVAILABLE', message: 'down' }] },
});

describe('Output outbox (database and HTTP peer)', () => {
  const keySpec = generateKeySpec('test1');
  let dir: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  let clock: ManualClock;
  let peer: OlpPeer;
  let portal: OutputProcess;
  const extra: OutputProcess[] = [];

  const configFor = (serverUrl: string) =>
    PortalConfig.fromEnv({
      DATA_DIR: dir.path,
      DATABASE_URL: database.url,
      OLP_KEYS: keySpec,
      PORTAL_ID: 'portal-test',
      SERVER_ID: 'server-test',
      CONNECTOR_SERVER_URL: serverUrl,
      WORKERS: 'false',
      AUTH_SECRET: 'e2e-test-auth-secret-of-32-characters!',
      OUTPUT_CONNECT_TIMEOUT_MS: '2000',
      OUTPUT_READ_TIMEOUT_MS: '5000',
    });
  const startPeer = (port?: number) =>
    startOlpPeer({
      keySpec,
      serverId: 'server-test',
      portalId: 'portal-test',
      port,
      now: () => Math.floor(clock.nowMs() / 1000),
    });

  beforeEach(async () => {
    dir = tempDir();
    database = await createTestDatabase(dir.path);
    clock = new ManualClock(Date.now());
    peer = await startPeer();
    portal = await startOutputProcess(configFor(peer.url), clock);
  });
  afterEach(async () => {
    for (const p of extra.splice(0)) await p.close();
    await portal.close();
    await peer.close();
    await database.drop();
    dir.remove();
  });

  it('should keep calls while the server answers 503, then deliver them in order per line', async () => {
    peer.respond(unavailable);
    const lineA = portal.output.connector('telegrambot', '1');
    const lineB = portal.output.connector('telegrambot', '2');
    const queued = [
      await lineA.sendMessage([outgoing('a1')]),
      await lineA.sendMessage([outgoing('a2')]),
      await lineB.sendMessage([outgoing('b1')]),
      await lineA.sendMessage([outgoing('a3')]),
    ];

    expect(queued.every((q) => (q as { queued: boolean }).queued)).toBe(true);
    expect(await portal.worker.runOnce()).toBe(2);
    expect(peer.calls.map((c) => c.status)).toEqual([503, 503]);
    const [a1] = await portal.outbox.list({ line: '1', state: 'pending' }).then((rows) => rows.slice(-1));
    expect(a1).toMatchObject({
      attempts: 1,
      errorCode: 'UNAVAILABLE',
      httpStatus: 503,
      lastError: 'down',
      nextAttemptAt: new Date(clock.nowMs() + 1_000),
    });
    expect(await portal.worker.runOnce()).toBe(0);

    peer.respond(undefined);
    clock.advance(1_000);
    await drain(portal.worker);

    expect(accepted(peer, 'telegrambot', '1')).toEqual(['a1', 'a2', 'a3']);
    expect(accepted(peer, 'telegrambot', '2')).toEqual(['b1']);
    const rows = await portal.outbox.list();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 2],
      ['sent', 1],
      ['sent', 2],
    ]);
    expect(await portal.outbox.countByState()).toEqual({ pending: 0, sending: 0, sent: 4, failed: 0 });
  });

  it('should lose nothing while the server is down, backing off, and deliver when it is back', async () => {
    const port = peer.port;
    await peer.close();
    const out = portal.output.connector('vkgroup', '5');
    await out.sendMessage([outgoing('first')]);
    await out.setStatusReading([{ chat: { id: 'chat-1' }, message: { id: 'x' } }]);

    await portal.worker.runOnce();
    clock.advance(1_000);
    await portal.worker.runOnce();

    const waiting = await portal.outbox.list({ connector: 'vkgroup' });
    expect(waiting.map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(waiting[1]).toMatchObject({
      method: 'sendMessage',
      attempts: 2,
      errorCode: 'UNREACHABLE',
      httpStatus: null,
      nextAttemptAt: new Date(clock.nowMs() + 2_000),
    });
    expect(waiting[0]).toMatchObject({ method: 'setStatusReading', attempts: 0 });

    peer = await startPeer(port);
    clock.advance(2_000);
    await drain(portal.worker);

    expect(peer.calls.map((c) => [c.command, c.status])).toEqual([
      ['sendMessage', 202],
      ['setStatusReading', 202],
    ]);
    expect((await portal.outbox.list()).map((r) => r.state)).toEqual(['sent', 'sent']);
  });

  it('should mark a call the server refuses for good as failed, and go on with the line', async () => {
    peer.respond((call) =>
      JSON.stringify(call.data).includes('bad')
        ? {
            status: 400,
            body: { ok: false, error: [{ code: 'MALFORMED_PACKET', message: 'data.0.im: required' }] },
          }
        : undefined,
    );
    const out = portal.output.connector('telegrambot', '9');
    const bad = (await out.sendMessage([outgoing('bad')])) as { outboxId: number };
    await out.sendMessage([outgoing('good')]);

    await drain(portal.worker);

    expect(await portal.outbox.findById(bad.outboxId)).toMatchObject({
      state: 'failed',
      attempts: 1,
      errorCode: 'MALFORMED_PACKET',
      httpStatus: 400,
      lastError: 'data.0.im: required',
    });
    expect(await portal.outbox.list({ state: 'failed' })).toHaveLength(1);
    expect(accepted(peer, 'telegrambot')).toEqual(['good']);
  });

  it('should store a call with a repeated idempotency key once, also when both race', async () => {
    const items = [{ chat: { id: 'chat-1' }, message: { id: 'm1' } }];
    const out = () => portal.output.connector('telegrambot', '1', { key: 'delivered:m1' });

    const [first, second] = await Promise.all([
      out().setStatusDelivered(items),
      out().setStatusDelivered(items),
    ]);
    const third = await out().setStatusDelivered(items);

    const ids = [first, second, third].map((q) => (q as { outboxId: number }).outboxId);
    expect(new Set(ids).size).toBe(1);
    expect([first, second, third].filter((q) => (q as { duplicate?: true }).duplicate)).toHaveLength(2);
    expect(await portal.outbox.list()).toHaveLength(1);
    await drain(portal.worker);
    expect(peer.calls).toHaveLength(1);
  });

  it('should deliver each call exactly once and in order with two portal processes claiming', async () => {
    const second = await startOutputProcess(configFor(peer.url), clock);
    extra.push(second);
    const lines = ['1', '2', '3'];
    for (let i = 1; i <= 6; i++) {
      for (const line of lines) {
        const via = i % 2 === 0 ? second : portal;
        await via.output.connector(`c${line}`, line).sendMessage([outgoing(`${line}-${i}`)]);
      }
    }

    await drain(portal.worker, second.worker);

    for (const line of lines) {
      expect(accepted(peer, `c${line}`)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `${line}-${i}`));
    }
    expect(peer.calls).toHaveLength(18);
    expect(await portal.outbox.countByState()).toEqual({ pending: 0, sending: 0, sent: 18, failed: 0 });
  });

  it('should take over a call whose sender died mid-send once its lease has run out', async () => {
    await portal.output.connector('telegrambot', '1').sendMessage([outgoing('orphan')]);
    // A process claims the call and dies before recording anything.
    const now = clock.now();
    await portal.outbox.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      token: 'dead',
      limit: 10,
    });

    expect(await portal.worker.runOnce()).toBe(0);
    clock.advance(60_001);
    await drain(portal.worker);

    expect(accepted(peer, 'telegrambot')).toEqual(['orphan']);
  });

  it('should delete delivered calls past their retention and keep failed ones', async () => {
    peer.respond((call) =>
      JSON.stringify(call.data).includes('bad')
        ? { status: 413, body: { ok: false, error: [{ code: 'PACKET_TOO_LARGE', message: 'too large' }] } }
        : undefined,
    );
    const out = portal.output.connector('telegrambot', '1');
    await out.sendMessage([outgoing('old')]);
    await out.sendMessage([outgoing('bad')]);
    await drain(portal.worker);
    clock.advance(7 * 24 * 3_600_000 + 1);
    await out.sendMessage([outgoing('new')]);
    await drain(portal.worker);

    expect(await portal.worker.purge()).toBe(1);

    const left = await portal.outbox.list();
    expect(left.map((r) => r.state)).toEqual(['sent', 'failed']);
  });
});
