import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { QueueRepository } from '../../src/server/queue/queue.repository.js';
import { testProvider } from '../support/database.js';
import { addPortal, drive, startFixture, type Fixture } from './support/fixture.js';
import { addLine, customerMessage, enqueueMessages, startServer, type TestServer } from './support/server.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('queue durability', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ env: { QUEUE_BATCH_SIZE: '10' } });
  });
  afterEach(async () => {
    await f.close();
  });

  /** Stops the server and starts it again on the same data and database. */
  const restart = async (): Promise<TestServer> => {
    const old = f.server;
    await old.stop();
    const server = await startServer({ connectors: [f.channel.definition()], reuse: old });
    f.server = Object.assign(server, {
      close: async () => {
        await server.stop();
        await old.removeData();
      },
    });
    f.portal.serverUrl = server.url;
    return server;
  };

  it('should lose nothing when the server restarts while a batch awaits confirmation', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 15).map((n) => customerMessage(n)),
    );
    await f.server.queue.tick();
    expect(f.portal.messageIds()).toEqual(range(1, 10).map((n) => `m${n}`));

    const server = await restart();
    expect(await server.db.queueItem.count()).toBe(15);
    f.portal.mode = 'confirm-after';
    server.clock.advance(60_000);
    await drive(server, [f.portal]);
    server.clock.advance(60_000);
    await drive(server, [f.portal]);

    expect(f.portal.messageIds()).toEqual([...range(1, 10), ...range(1, 15)].map((n) => `m${n}`));
    expect(await server.db.queueItem.count()).toBe(0);
  });

  it('should send the batch of a worker that died after claiming its line without an owner, once the claim runs out', async () => {
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 3).map((n) => customerMessage(n)),
    );
    const now = f.server.clock.now();
    const claim = await f.server.app
      .get(QueueRepository)
      .claimDue({ now, leaseUntil: new Date(now.getTime() + 60_000), token: 'died', owner: 'gone' });
    expect(claim).toMatchObject({ id: f.line.id, phase: 'ready' });
    // As claims made before owners existed: only the lease ends them.
    await f.server.db.line.update({ where: { id: f.line.id }, data: { leaseOwner: null } });

    const server = await restart();
    expect(await drive(server, [f.portal])).toBe(0);
    server.clock.advance(60_000);
    await drive(server, [f.portal]);
    expect(f.portal.messageIds()).toEqual(['m1', 'm2', 'm3']);
    expect(await server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).toMatchObject({
      phase: 'idle',
      attempt: 0,
    });
  });

  it('should leave the push of a live owner alone and take back at once that of a dead one', async () => {
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 3).map((n) => customerMessage(n)),
    );
    const now = f.server.clock.now();
    await f.server.db.workerOwner.create({
      data: { id: 'other', instance: 'elsewhere', startedAt: now, heartbeatAt: now },
    });
    // Another process claimed the line and took its batch (its push awaits the portal until the
    // confirmation deadline, 60 s), and beats.
    const repo = f.server.app.get(QueueRepository);
    const claim = await repo.claimDue({
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      token: 'theirs',
      owner: 'other',
    });
    const taken = await repo.takeBatch({
      claim: claim!,
      limit: 10,
      maxBytes: 1_000_000,
      deadline: new Date(now.getTime() + 60_000),
      now,
    });
    expect(taken.kind).toBe('batch');
    expect(await drive(f.server, [f.portal])).toBe(0);
    expect(f.portal.messageIds()).toEqual([]);

    // It stops beating: past the liveness window (WORKER_OWNER_TIMEOUT, 10 s) it is dead; its
    // batch goes again at once, not counted as a failed attempt.
    f.server.clock.advance(10_001);
    await drive(f.server, [f.portal]);
    expect(f.portal.messageIds()).toEqual(['m1', 'm2', 'm3']);
    expect(await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).toMatchObject({
      phase: 'idle',
      attempt: 0,
      leaseOwner: null,
    });
  });

  it('should not take back a line that awaits setStatusDelivered once its pushing process is gone', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 3).map((n) => customerMessage(n)),
    );
    await drive(f.server, [f.portal]);
    expect(f.portal.messageIds()).toEqual(['m1', 'm2', 'm3']);
    // The push is over: the wait for the portal's confirmation is held by no process.
    expect(await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).toMatchObject({
      phase: 'awaiting',
      leaseOwner: null,
    });

    // Every owner is gone: the line still waits for its confirmation deadline (60 s).
    await f.server.db.workerOwner.deleteMany();
    f.server.clock.advance(10_001);
    expect(await drive(f.server, [f.portal])).toBe(0);
    expect(f.portal.messageIds()).toEqual(['m1', 'm2', 'm3']);
  });

  it('should never send the same batch twice from two workers on one database', async () => {
    // On PostgreSQL the second worker is a second server app with its own connection pool (as
    // a second process would be). better-sqlite3 waits for SQLite's lock synchronously, which
    // would stall one process holding two clients, so there both workers share the app's client.
    const second =
      testProvider === 'postgresql'
        ? await startServer({ connectors: [f.channel.definition()], reuse: f.server })
        : undefined;
    const workers = [f.server.queue, second?.queue ?? f.server.queue];
    const other = await addPortal(f.server, 'portal-b');
    try {
      // Confirming inside the push makes the next batch due while both workers are busy.
      f.portal.mode = 'confirm-before';
      other.portal.mode = 'confirm-before';
      const lines = [f.line];
      for (let i = 2; i <= 12; i++) {
        lines.push(await addLine(f.server, { portalId: i % 2 ? 'portal-a' : 'portal-b', lineId: String(i) }));
      }
      for (const line of lines) {
        await enqueueMessages(
          f.server,
          line,
          range(1, 25).map((n) => customerMessage(n, `chat-${line.lineId}`)),
        );
      }

      for (;;) {
        const [a, b] = await Promise.all(workers.map((w) => w.tick()));
        await Promise.all([f.portal.settled(), other.portal.settled()]);
        if (!a && !b) break;
      }

      const packets = [...f.portal.received, ...other.portal.received];
      const delivered = packets.flatMap((p) =>
        p.data.map((m) => `${p.line}:${(m as { message: { id: string } }).message.id}`),
      );
      expect(packets).toHaveLength(lines.length * 3);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered).toHaveLength(lines.length * 25);
      for (const line of lines) {
        const ids = packets
          .filter((p) => p.line === line.lineId)
          .flatMap((p) => p.data.map((m) => (m as { message: { id: string } }).message.id));
        expect(ids).toEqual(range(1, 25).map((n) => `m${n}`));
      }
      expect(await f.server.db.queueItem.count()).toBe(0);
    } finally {
      await second?.stop();
      await other.portal.close();
    }
  });
});
