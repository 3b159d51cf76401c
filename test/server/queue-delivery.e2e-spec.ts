import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startFixture, type Fixture } from './support/fixture.js';
import { customerMessage, enqueueMessages } from './support/server.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('queue delivery to the portal', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ env: { QUEUE_BATCH_SIZE: '50' } });
  });
  afterEach(async () => {
    await f.close();
  });

  /** One worker step and the confirmations it caused. */
  const step = async () => {
    const steps = await f.server.queue.runOne();
    await f.portal.settled();
    return steps;
  };

  it('should push signed batches of at most the batch size, in FIFO order, the next one once confirmed', async () => {
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 120).map((n) => customerMessage(n)),
    );

    expect(await step()).toBe('sent');
    expect(f.portal.received).toHaveLength(1);
    expect(f.portal.received[0]).toMatchObject({ command: 'receivingMessage', connector: 'test', line: '1' });
    expect(f.portal.received[0].data).toHaveLength(50);
    expect(f.portal.confirmations).toEqual([202]);

    // Confirmed: the next batch is due at once, without any time passing.
    expect(await step()).toBe('sent');
    expect(await step()).toBe('sent');
    expect(await step()).toBeNull();
    expect(f.portal.received.map((p) => p.data.length)).toEqual([50, 50, 20]);
    expect(f.portal.messageIds()).toEqual(range(1, 120).map((n) => `m${n}`));
    expect(f.portal.refused).toEqual([]);
    expect(await f.server.db.queueItem.count()).toBe(0);
    expect(await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).toMatchObject({
      phase: 'idle',
      attempt: 0,
      blockedUntil: null,
      nextAttemptAt: null,
    });
  });

  it('should not send the next batch while the pushed one is unconfirmed', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 60).map((n) => customerMessage(n)),
    );

    expect(await f.server.queue.tick()).toBe(1);
    f.server.clock.advance(59_000);
    expect(await f.server.queue.tick()).toBe(0);
    expect(f.portal.received).toHaveLength(1);
    expect(await f.server.db.queueItem.count()).toBe(60);
  });

  it('should take a confirmation that arrives before the answer to the push', async () => {
    f.portal.mode = 'confirm-before';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 3).map((n) => customerMessage(n)),
    );

    expect(await f.server.queue.tick()).toBe(1);
    expect(f.portal.confirmations).toEqual([202]);
    expect(await f.server.db.queueItem.count()).toBe(0);
    expect((await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).phase).toBe('idle');
  });

  it('should keep messages queued after the answer until they are confirmed', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(f.server, f.line, [customerMessage(1)]);
    await f.server.queue.tick();

    expect(await f.server.db.queueItem.count()).toBe(1);
    expect((await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).phase).toBe('awaiting');
  });

  it('should count messages the portal already had as confirmed, and dead-letter those it refused', async () => {
    f.portal.mode = 'no-confirm';
    f.portal.answers.set('m1', { duplicate: true });
    f.portal.answers.set('m2', { ok: false, error: { code: 'BROKEN', message: 'cannot store' } });
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 2).map((n) => customerMessage(n)),
    );

    expect(await f.server.queue.runOne()).toBe('confirmed');
    expect(await f.server.db.queueItem.count()).toBe(0);
    const letters = await f.server.db.deadLetter.findMany();
    expect(letters).toEqual([
      expect.objectContaining({
        messageId: 'm2',
        portalId: 'portal-a',
        reason: expect.stringContaining('BROKEN'),
      }),
    ]);
    expect((await f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } })).phase).toBe('idle');
  });

  it('should send items of one command per packet, and take status reports as confirmed by the answer', async () => {
    f.portal.mode = 'no-confirm';
    const queue = f.server.app.get(
      (await import('../../src/server/queue/portal-queue.service.js')).PortalQueue,
    );
    await queue.enqueue(f.line.id, [
      {
        command: 'receivingStatusDelivery',
        item: { im: { chat_id: '5', message_id: '9' }, message: { id: ['x1'] }, chat: { id: 'c1' } },
      },
      { command: 'receivingMessage', item: customerMessage(1) },
    ]);

    expect(await f.server.queue.runOne()).toBe('confirmed');
    expect(await f.server.queue.runOne()).toBe('sent');
    expect(f.portal.received.map((p) => p.command)).toEqual(['receivingStatusDelivery', 'receivingMessage']);
    expect(await f.server.db.queueItem.count()).toBe(1);
  });

  it('should refuse an item that OLP/1 would refuse, storing nothing of the call', async () => {
    const broken = { ...customerMessage(2), message: { id: 'm2', date: -1 } };
    await expect(enqueueMessages(f.server, f.line, [customerMessage(1), broken])).rejects.toThrow(
      /item #1.*message\.date/,
    );
    expect(await f.server.db.queueItem.count()).toBe(0);
  });
});
