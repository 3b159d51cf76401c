import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { SessionEventPayload } from '../../events/events.js';
import { receivedMessagePayload } from '../../../../test/factories/open-lines.factory.js';
import { createLine, createOperator } from '../../../../test/factories/routing.factory.js';
import { startRouting, startSecondRouting, type RoutingHarness } from '../../../../test/support/routing.js';
import type { LineSettings } from '../line-settings/line-settings.js';
import { RoutingService } from './routing.service.js';

/** Two portal processes (two Prisma clients, two module instances) on one database. */
describe(`${RoutingService.name} with two processes`, () => {
  let a: Awaited<ReturnType<typeof startRouting>>;
  let b: RoutingHarness;
  const assignedEvents: SessionEventPayload[] = [];
  let chatSeq = 0;

  beforeAll(async () => {
    a = await startRouting();
    b = await startSecondRouting(a);
    for (const h of [a, b]) {
      h.moduleRef.get(EventEmitter2).on('SessionAssigned', (p: SessionEventPayload) => {
        assignedEvents.push(p);
      });
    }
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** A line whose operators are all offline, with `chats` sessions waiting in its queue. */
  async function queuedLine(operators: number, chats: number, settings: Partial<LineSettings>) {
    const line = await createLine(a.db);
    const ops = [];
    for (let i = 0; i < operators; i++) ops.push(await createOperator(a.db));
    await a.settings.setOperators(
      line.id,
      ops.map((o) => o.id),
    );
    await a.settings.update(line.id, settings);
    for (let i = 0; i < chats; i++) {
      await a.events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: String(line.id), chatId: `race-${++chatSeq}` }),
      );
    }
    // Online without routing yet, so that both processes find the whole queue.
    await a.db.client.operatorPresence.createMany({
      data: ops.map((o) => ({ userId: o.id, status: 'online', changedAt: a.clock.now() })),
    });
    return { lineId: line.id, ops };
  }

  const sessionsOf = (lineId: number) => a.db.client.session.findMany({ where: { lineId } });

  it('should assign every chat once when both route the same queue at the same time', async () => {
    const { lineId } = await queuedLine(10, 60, { queueType: 'evenly' });
    assignedEvents.length = 0;

    await Promise.all([
      a.routing.routeLine(lineId),
      b.routing.routeLine(lineId),
      a.scheduler.tick(),
      b.scheduler.tick(),
    ]);

    const sessions = await sessionsOf(lineId);
    expect(sessions.every((s) => s.status === 'assigned')).toBe(true);
    const decisions = await a.db.client.routingDecision.findMany({
      where: { lineId, outcome: 'assigned' },
    });
    const perSession = new Map<number, number>();
    for (const d of decisions) perSession.set(d.sessionId, (perSession.get(d.sessionId) ?? 0) + 1);
    expect(perSession.size).toBe(60);
    expect([...perSession.values()].every((n) => n === 1)).toBe(true);
    const events = assignedEvents.filter((e) => e.lineId === lineId);
    expect(events).toHaveLength(60);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(60);
  });

  it('should not put an operator over capacity when both route at once', async () => {
    const { lineId, ops } = await queuedLine(4, 30, { queueType: 'evenly', maxChatsPerOperator: 5 });

    await Promise.all([a.routing.routeLine(lineId), b.routing.routeLine(lineId)]);
    // Chats given back after a capacity clash are routed on the next ticks.
    for (let i = 0; i < 3; i++) await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);

    const sessions = await sessionsOf(lineId);
    const held = ops.map(
      (o) => sessions.filter((s) => s.operatorId === o.id && s.status === 'assigned').length,
    );
    expect(held).toEqual([5, 5, 5, 5]);
    expect(sessions.filter((s) => s.status === 'waiting')).toHaveLength(10);
  });

  it('should let only one of two operators accept an offered chat', async () => {
    const { lineId, ops } = await queuedLine(2, 1, { queueType: 'all' });
    const [s] = await sessionsOf(lineId);
    const results = await Promise.allSettled([
      a.sessions.accept(s.id, ops[0].id),
      b.sessions.accept(s.id, ops[1].id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: expect.objectContaining({ status: 409 }),
    });
  });

  it('should let one operator accept no more than the capacity when accepting many at once', async () => {
    // The capacity is checked in the statement that assigns: checking it first and assigning after
    // lets every concurrent accept see the same count and pass.
    const { lineId, ops } = await queuedLine(1, 12, { queueType: 'all', maxChatsPerOperator: 3 });
    const offered = await sessionsOf(lineId);
    const results = await Promise.allSettled(
      offered.map((s, i) => (i % 2 ? a : b).sessions.accept(s.id, ops[0].id)),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const held = (await sessionsOf(lineId)).filter((s) => s.operatorId === ops[0].id);
    expect(held).toHaveLength(3);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r).toMatchObject({ reason: expect.objectContaining({ status: 409 }) });
  });

  it('should leave a session unchanged when its history row cannot be written', async () => {
    const { lineId, ops } = await queuedLine(1, 1, { queueType: 'all' });
    const [s] = await sessionsOf(lineId);
    // The history table gone for a moment: the change and its history are one transaction.
    await a.db.client.$executeRawUnsafe('ALTER TABLE session_history RENAME TO session_history_away');
    try {
      await expect(a.sessions.accept(s.id, ops[0].id)).rejects.toThrow();
    } finally {
      await a.db.client.$executeRawUnsafe('ALTER TABLE session_history_away RENAME TO session_history');
    }
    expect(await a.db.client.session.findUnique({ where: { id: s.id } })).toMatchObject({
      status: 'waiting',
      operatorId: null,
      version: s.version,
    });
    // And it applies, with its history, once the table is back.
    await a.sessions.accept(s.id, ops[0].id);
    const history = await a.db.client.sessionHistory.findMany({ where: { sessionId: s.id } });
    expect(history.map((h) => h.note)).toContain('accepted');
  });

  it('should run a due time stored by one process in the other (timers live in the database)', async () => {
    const { lineId, ops } = await queuedLine(2, 1, { queueType: 'strictly', queueTimeSec: 60 });
    await a.routing.routeLine(lineId);
    const [assigned] = await sessionsOf(lineId);
    expect(assigned.operatorId).toBe(ops[0].id);

    a.clock.advance(60_000);
    expect((await b.scheduler.tick()).passedOn).toBeGreaterThanOrEqual(1);
    expect((await sessionsOf(lineId))[0]).toMatchObject({ status: 'assigned', operatorId: ops[1].id });
  });

  it('should open one session when both receive the first messages of a chat at once', async () => {
    const line = await createLine(a.db);
    const chatId = `race-${++chatSeq}`;
    await Promise.all([
      a.events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(line.id), chatId })),
      b.events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(line.id), chatId })),
    ]);
    expect(await sessionsOf(line.id)).toHaveLength(1);
  });
});
