import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_BLOCK_SCHEDULE, parseDuration } from '../../src/server/config.js';
import { DeadLetters } from '../../src/server/queue/dead-letters.service.js';
import { addPortal, drive, startFixture, type Fixture } from './support/fixture.js';
import { addLine, customerMessage, enqueueMessages } from './support/server.js';

const HOUR = 3_600_000;
const schedule = DEFAULT_BLOCK_SCHEDULE.split(',').map(parseDuration);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('block schedule of a line whose portal does not take its batch', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ env: { QUEUE_BATCH_SIZE: '10' } });
  });
  afterEach(async () => {
    await f.close();
  });

  const lineState = () => f.server.db.line.findUniqueOrThrow({ where: { id: f.line.id } });
  const tick = () => drive(f.server, [f.portal]);

  it('should block for each period in turn, then move the messages to dead letters and lift the block', async () => {
    f.portal.mode = 'error-500';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 3).map((n) => customerMessage(n)),
    );
    const firstAttempt = f.server.clock.nowMs();

    await tick();
    for (const [i, period] of schedule.entries()) {
      expect(f.portal.requests).toBe(i + 1);
      const state = await lineState();
      expect(state).toMatchObject({ phase: 'ready', attempt: i + 1 });
      expect(state.blockedUntil!.getTime()).toBe(f.server.clock.nowMs() + period);

      f.server.clock.advance(period - 1);
      expect(await tick()).toBe(0);
      expect(f.portal.requests).toBe(i + 1);
      f.server.clock.advance(1);
      expect(await tick()).toBe(1);
    }

    expect(f.portal.requests).toBe(schedule.length + 1);
    expect(f.server.clock.nowMs() - firstAttempt).toBe(24 * HOUR);
    expect(await lineState()).toMatchObject({
      phase: 'idle',
      attempt: 0,
      blockedUntil: null,
      nextAttemptAt: null,
    });
    expect(await f.server.db.queueItem.count()).toBe(0);
    const letters = await f.server.db.deadLetter.findMany({ orderBy: { id: 'asc' } });
    expect(letters.map((l) => l.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(letters[0].reason).toMatch(/not delivered after 11 attempts; last: HTTP 500/);

    // The block is lifted: new messages go at once, and replayed letters follow them in order.
    f.portal.mode = 'confirm-after';
    await enqueueMessages(f.server, f.line, [customerMessage(4)]);
    expect(await tick()).toBe(1);
    expect(await f.server.app.get(DeadLetters).replay({ portalId: 'portal-a' })).toEqual({
      replayed: 3,
      lineless: [],
    });
    await tick();
    expect(f.portal.messageIds()).toEqual(['m4', 'm1', 'm2', 'm3']);
    expect(await f.server.db.deadLetter.count()).toBe(0);
    expect(await f.server.db.queueItem.count()).toBe(0);
  });

  it('should block the line when the confirmation does not come within the timeout, and send the same batch again', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 12).map((n) => customerMessage(n)),
    );

    expect(await tick()).toBe(1);
    f.server.clock.advance(60_000 - 1);
    expect(await tick()).toBe(0);
    f.server.clock.advance(1);
    expect(await tick()).toBe(1);
    expect(await lineState()).toMatchObject({ phase: 'ready', attempt: 1 });
    expect(f.portal.received).toHaveLength(1);

    f.portal.mode = 'confirm-after';
    f.server.clock.advance(schedule[0]);
    await tick();
    expect(f.portal.messageIds()).toEqual([...range(1, 10), ...range(1, 12)].map((n) => `m${n}`));
    expect(await lineState()).toMatchObject({ phase: 'idle', attempt: 0, blockedUntil: null });
  });

  it('should lift the block at once when a late confirmation arrives', async () => {
    f.portal.mode = 'no-confirm';
    await enqueueMessages(
      f.server,
      f.line,
      range(1, 12).map((n) => customerMessage(n)),
    );
    await tick();
    f.server.clock.advance(60_000);
    await tick();
    expect(await lineState()).toMatchObject({ phase: 'ready', attempt: 1 });

    await f.portal.confirmPacket(0);
    expect(f.portal.confirmations).toEqual([202]);
    expect(await lineState()).toMatchObject({ phase: 'ready', attempt: 0, blockedUntil: null });
    f.portal.mode = 'confirm-after';
    await tick();
    expect(f.portal.messageIds()).toEqual(range(1, 12).map((n) => `m${n}`));
  });

  it('should deliver every message, in order, to a portal that was down for hours', async () => {
    f.portal.mode = 'drop';
    let next = 1;
    const start = f.server.clock.nowMs();
    // Customers keep writing while the portal is down; the line retries on its schedule.
    while (f.server.clock.nowMs() - start < 5 * HOUR) {
      await enqueueMessages(
        f.server,
        f.line,
        range(next, next + 2).map((n) => customerMessage(n)),
      );
      next += 3;
      await tick();
      f.server.clock.advance(10 * 60_000);
    }
    expect(f.portal.received).toHaveLength(0);
    expect(f.portal.requests).toBeGreaterThan(5);

    f.portal.mode = 'confirm-after';
    f.server.clock.advance(schedule.at(-2)!);
    await tick();
    expect(f.portal.messageIds()).toEqual(range(1, next - 1).map((n) => `m${n}`));
    expect(f.portal.received.every((p) => p.data.length <= 10)).toBe(true);
    expect(await f.server.db.queueItem.count()).toBe(0);
    expect(await f.server.db.deadLetter.count()).toBe(0);
  });

  it('should not let a blocked line delay another', async () => {
    const other = await addPortal(f.server, 'portal-b');
    try {
      const otherLine = await addLine(f.server, { portalId: 'portal-b', lineId: '7' });
      f.portal.mode = 'error-500';
      await enqueueMessages(f.server, f.line, [customerMessage(1)]);
      await enqueueMessages(f.server, otherLine, [customerMessage(2)]);

      await drive(f.server, [f.portal, other.portal]);
      expect(other.portal.messageIds()).toEqual(['m2']);
      expect(await lineState()).toMatchObject({ attempt: 1 });

      await enqueueMessages(f.server, otherLine, [customerMessage(3)]);
      await drive(f.server, [f.portal, other.portal]);
      expect(other.portal.messageIds()).toEqual(['m2', 'm3']);
      expect(f.portal.requests).toBe(1);
    } finally {
      await other.portal.close();
    }
  });

  it('should serve other lines while one portal holds its answer', async () => {
    const other = await addPortal(f.server, 'portal-b');
    try {
      const otherLine = await addLine(f.server, { portalId: 'portal-b', lineId: '7' });
      f.portal.mode = 'hold';
      await enqueueMessages(f.server, f.line, [customerMessage(1)]);
      await enqueueMessages(f.server, otherLine, [customerMessage(2)]);

      const ticking = f.server.queue.tick();
      await f.portal.waitForPackets(1);
      await other.portal.waitForPackets(1);
      expect(other.portal.messageIds()).toEqual(['m2']);
      f.portal.release();
      await ticking;
    } finally {
      await other.portal.close();
    }
  });
});
