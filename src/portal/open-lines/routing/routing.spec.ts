import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Session, User } from '../../../generated/portal-sqlite/client.js';
import { receivedMessagePayload } from '../../../../test/factories/open-lines.factory.js';
import { createLine, createOperator } from '../../../../test/factories/routing.factory.js';
import { startRouting, type RoutingHarness } from '../../../../test/support/routing.js';
import type { LineSettings } from '../line-settings/line-settings.js';
import { PRESENCE_GRACE_MS } from '../operators/presence.service.js';
import { RepliesService } from '../replies/replies.service.js';
import { RoutingService } from './routing.service.js';

describe(RoutingService.name, () => {
  let h: RoutingHarness;
  let chatSeq = 0;

  beforeAll(async () => {
    h = await startRouting();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.clock.advance(60_000);
  });

  async function lineWith(n: number, settings: Partial<LineSettings> = {}, online = true) {
    const line = await createLine(h.db);
    const ops: User[] = [];
    for (let i = 0; i < n; i++) ops.push(await createOperator(h.db));
    await h.settings.setOperators(
      line.id,
      ops.map((o) => o.id),
    );
    await h.settings.update(line.id, settings);
    if (online) for (const o of ops) await h.presence.set(o.id, 'online');
    return { line, ops, lineId: line.id };
  }

  /** A customer writes on a chat of the line; returns the chat's external id. */
  async function customerWrites(
    lineId: number,
    text = 'hello',
    chatId = `chat-${++chatSeq}`,
  ): Promise<string> {
    await h.events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(lineId), chatId, text }));
    return chatId;
  }

  async function chatRow(lineId: number, externalChatId: string) {
    const chat = await h.db.client.chat.findFirst({ where: { lineId: String(lineId), externalChatId } });
    if (!chat) throw new Error(`no chat ${externalChatId}`);
    return chat;
  }

  async function sessionOf(lineId: number, externalChatId: string): Promise<Session> {
    const chat = await chatRow(lineId, externalChatId);
    const s = await h.db.client.session.findFirst({ where: { chatId: chat.id }, orderBy: { id: 'desc' } });
    if (!s) throw new Error(`no session for ${externalChatId}`);
    return s;
  }

  async function sentTo(lineId: number, externalChatId: string): Promise<string[]> {
    const chat = await chatRow(lineId, externalChatId);
    const rows = await h.db.client.message.findMany({
      where: { chatId: chat.id, direction: 'out' },
      orderBy: { id: 'asc' },
    });
    return rows.map((m) => m.text);
  }

  const decisionsOf = (sessionId: number) =>
    h.db.client.routingDecision.findMany({ where: { sessionId }, orderBy: { id: 'asc' } });

  describe('queue type evenly', () => {
    it('should give each chat to the least recently served operator', async () => {
      const { lineId, ops } = await lineWith(3, { queueType: 'evenly' });
      const owners: (number | null)[] = [];
      for (let i = 0; i < 4; i++) {
        h.clock.advance(1000);
        owners.push((await sessionOf(lineId, await customerWrites(lineId))).operatorId);
      }
      expect(owners).toEqual([ops[0].id, ops[1].id, ops[2].id, ops[0].id]);
      const s = await sessionOf(lineId, `chat-${chatSeq}`);
      expect((await decisionsOf(s.id)).at(-1)).toMatchObject({
        outcome: 'assigned',
        operatorId: ops[0].id,
        reason: expect.stringContaining('evenly: least recently served'),
      });
    });
  });

  describe('queue type strictly', () => {
    it('should fill operators in queue order up to their capacity', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly', maxChatsPerOperator: 2 });
      const owners: (number | null)[] = [];
      for (let i = 0; i < 5; i++)
        owners.push((await sessionOf(lineId, await customerWrites(lineId))).operatorId);
      expect(owners).toEqual([ops[0].id, ops[0].id, ops[1].id, ops[1].id, null]);
      const last = await sessionOf(lineId, `chat-${chatSeq}`);
      expect(last.status).toBe('waiting');
      expect((await decisionsOf(last.id)).at(-1)?.reason).toMatch(
        /2 at capacity \(2 chats\); queue position 1/,
      );
    });

    it('should route a waiting chat once capacity frees up', async () => {
      const { lineId, ops } = await lineWith(1, { queueType: 'strictly', maxChatsPerOperator: 1 });
      const first = await sessionOf(lineId, await customerWrites(lineId));
      const second = await customerWrites(lineId);
      expect((await sessionOf(lineId, second)).status).toBe('waiting');

      await h.sessions.closeByOperator(first.id, ops[0].id);
      await h.scheduler.tick();

      expect(await sessionOf(lineId, second)).toMatchObject({ status: 'assigned', operatorId: ops[0].id });
    });
  });

  describe('queue type all', () => {
    it('should offer the chat to every available operator; the first to accept takes it', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'all' });
      const s = await sessionOf(lineId, await customerWrites(lineId));
      expect(s).toMatchObject({ status: 'waiting', operatorId: null });
      expect((await decisionsOf(s.id)).at(-1)).toMatchObject({
        outcome: 'offered',
        reason: expect.stringContaining(`${ops[0].id}, ${ops[1].id}`),
      });

      const results = await Promise.allSettled([
        h.sessions.accept(s.id, ops[1].id),
        h.sessions.accept(s.id, ops[0].id),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const taken = await h.sessions.get(s.id);
      expect(taken.status).toBe('assigned');
      expect(taken.acceptedAt).not.toBeNull();
      expect([ops[0].id, ops[1].id]).toContain(taken.operatorId);
    });
  });

  describe('presence', () => {
    it('should not give chats to operators who are away or offline', async () => {
      const { lineId, ops } = await lineWith(3, { queueType: 'strictly' });
      await h.presence.set(ops[0].id, 'away');
      await h.presence.set(ops[1].id, 'offline');
      expect((await sessionOf(lineId, await customerWrites(lineId))).operatorId).toBe(ops[2].id);
    });

    it('should keep chats of an operator who reconnects within the grace period', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly' });
      const chat = await customerWrites(lineId);
      expect((await sessionOf(lineId, chat)).operatorId).toBe(ops[0].id);
      await h.sessions.accept((await sessionOf(lineId, chat)).id, ops[0].id);

      await h.presence.set(ops[0].id, 'offline');
      h.clock.advance(PRESENCE_GRACE_MS - 1000);
      await h.scheduler.tick();
      await h.presence.set(ops[0].id, 'online');
      h.clock.advance(PRESENCE_GRACE_MS);
      await h.scheduler.tick();

      expect((await sessionOf(lineId, chat)).operatorId).toBe(ops[0].id);
    });

    it('should hand chats on when an operator stays offline past the grace period', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly' });
      const chat = await customerWrites(lineId);
      await h.sessions.accept((await sessionOf(lineId, chat)).id, ops[0].id);

      await h.presence.set(ops[0].id, 'offline');
      h.clock.advance(PRESENCE_GRACE_MS);
      const outcome = await h.scheduler.tick();

      expect(outcome.handedOn).toBeGreaterThanOrEqual(1);
      expect(await sessionOf(lineId, chat)).toMatchObject({ status: 'assigned', operatorId: ops[1].id });
    });
  });

  describe('working hours', () => {
    // The manual clock starts on 1 January 2026, a Thursday; the tests move it on from there.
    const hours = (holidays: string[] = []) => ({
      timeZone: 'America/New_York',
      week: Object.fromEntries(
        (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((d) => [d, [['09:00', '17:00']]]),
      ),
      holidays,
    });

    it('should queue chats outside working hours in the line time zone and route them at opening', async () => {
      // 13:00 UTC on 10 January 2026 is 08:00 in New York.
      h.clock.set(Date.UTC(2026, 0, 10, 13, 0));
      const { lineId, ops } = await lineWith(1, { workingHours: hours() });
      const chat = await customerWrites(lineId);
      const s = await sessionOf(lineId, chat);
      expect(s.status).toBe('waiting');
      expect((await decisionsOf(s.id)).at(-1)?.reason).toContain('outside working hours (America/New_York)');

      h.clock.set(Date.UTC(2026, 0, 10, 14, 0));
      await h.scheduler.tick();
      expect(await sessionOf(lineId, chat)).toMatchObject({ status: 'assigned', operatorId: ops[0].id });
    });

    it('should stay closed on a holiday', async () => {
      h.clock.set(Date.UTC(2026, 0, 11, 16, 0));
      const { lineId } = await lineWith(1, {
        workingHours: hours(['2026-01-11']),
      });
      const chat = await customerWrites(lineId);
      await h.scheduler.tick();
      expect((await sessionOf(lineId, chat)).status).toBe('waiting');
    });
  });

  describe('pass-on', () => {
    it('should pass a chat not accepted within the queue time to the next operator', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly', queueTimeSec: 60 });
      const chat = await customerWrites(lineId);
      expect((await sessionOf(lineId, chat)).operatorId).toBe(ops[0].id);

      h.clock.advance(59_000);
      expect((await h.scheduler.tick()).passedOn).toBe(0);
      h.clock.advance(1000);
      expect((await h.scheduler.tick()).passedOn).toBe(1);

      const s = await sessionOf(lineId, chat);
      expect(s).toMatchObject({ status: 'assigned', operatorId: ops[1].id });
      const history = await h.db.client.sessionHistory.findMany({
        where: { sessionId: s.id },
        orderBy: { id: 'asc' },
      });
      expect(history.map((x) => x.note)).toContain(
        `not accepted by operator ${ops[0].id} within the queue time; passed on`,
      );
    });

    it('should not pass on a chat its operator accepted', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly', queueTimeSec: 60 });
      const chat = await customerWrites(lineId);
      await h.sessions.accept((await sessionOf(lineId, chat)).id, ops[0].id);
      h.clock.advance(120_000);
      await h.scheduler.tick();
      expect((await sessionOf(lineId, chat)).operatorId).toBe(ops[0].id);
    });

    it('should pass a skipped chat to the next operator', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly' });
      const chat = await customerWrites(lineId);
      const next = await h.sessions.skip((await sessionOf(lineId, chat)).id, ops[0].id);
      expect(next).toMatchObject({ status: 'assigned', operatorId: ops[1].id });
    });
  });

  describe('queue and no-answer message', () => {
    it('should keep the queue position and tell the customer once nobody answered in time', async () => {
      const { lineId } = await lineWith(
        1,
        { noAnswerMessage: 'All busy; you are number {position}.', noAnswerAfterSec: 120 },
        false,
      );
      const first = await customerWrites(lineId);
      h.clock.advance(1000);
      const second = await customerWrites(lineId);
      const s2 = await sessionOf(lineId, second);
      expect((await decisionsOf(s2.id)).at(-1)?.reason).toMatch(/1 offline; queue position 2$/);

      h.clock.advance(119_000);
      expect((await h.scheduler.tick()).noAnswerSent).toBe(1);
      h.clock.advance(1000);
      expect((await h.scheduler.tick()).noAnswerSent).toBe(1);
      h.clock.advance(600_000);
      expect((await h.scheduler.tick()).noAnswerSent).toBe(0);

      expect(await sentTo(lineId, first)).toEqual(['All busy; you are number 1.']);
      expect(await sentTo(lineId, second)).toEqual(['All busy; you are number 2.']);
      const outbox = await h.db.client.outboxCall.findMany({
        where: { lineId: String(lineId), method: 'sendMessage' },
      });
      expect(outbox).toHaveLength(2);
    });

    it('should mark the session answered when its operator replies through the reply path', async () => {
      const { lineId, ops } = await lineWith(1, { noAnswerMessage: 'busy', noAnswerAfterSec: 60 });
      const chat = await customerWrites(lineId);
      await h.moduleRef.get(RepliesService).reply({
        chatId: (await chatRow(lineId, chat)).id,
        author: { id: ops[0].id, name: 'Olga' },
        text: 'Hello, how can I help?',
      });
      expect(await sessionOf(lineId, chat)).toMatchObject({
        status: 'answered',
        passOnAt: null,
        noAnswerAt: null,
      });
    });

    it('should not send the no-answer message when an operator answered', async () => {
      const { lineId, ops } = await lineWith(1, { noAnswerMessage: 'busy', noAnswerAfterSec: 60 });
      const chat = await customerWrites(lineId);
      await h.sessions.recordOperatorReply({
        chatId: (await chatRow(lineId, chat)).id,
        operatorId: ops[0].id,
      });
      h.clock.advance(120_000);
      await h.scheduler.tick();
      expect(await sentTo(lineId, chat)).toEqual([]);
      expect((await sessionOf(lineId, chat)).status).toBe('answered');
    });
  });

  describe('welcome, reopen, auto-close and rating', () => {
    it('should welcome a new session once', async () => {
      const { lineId } = await lineWith(1, { welcomeMessage: 'Hi! An operator will be with you shortly.' });
      const chat = await customerWrites(lineId);
      await customerWrites(lineId, 'anyone?', chat);
      expect(await sentTo(lineId, chat)).toEqual(['Hi! An operator will be with you shortly.']);
    });

    it('should reopen the same session within the reopen window, back to its operator', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'evenly', reopenWindowSec: 600 });
      const chat = await customerWrites(lineId);
      const s = await sessionOf(lineId, chat);
      await h.sessions.closeByOperator(s.id, s.operatorId ?? 0);
      h.clock.advance(599_000);
      await customerWrites(lineId, 'one more thing', chat);

      const again = await sessionOf(lineId, chat);
      expect(again).toMatchObject({ id: s.id, status: 'assigned', operatorId: s.operatorId });
      expect((await decisionsOf(s.id)).at(-1)?.reason).toBe('reopened: back to its previous operator');
      expect(ops.map((o) => o.id)).toContain(again.operatorId);
    });

    it('should open a new session after the reopen window', async () => {
      const { lineId, ops } = await lineWith(1, { reopenWindowSec: 600 });
      const chat = await customerWrites(lineId);
      const s = await sessionOf(lineId, chat);
      await h.sessions.closeByOperator(s.id, ops[0].id);
      h.clock.advance(601_000);
      await customerWrites(lineId, 'hello again', chat);
      const again = await sessionOf(lineId, chat);
      expect(again.id).not.toBe(s.id);
      expect((await h.sessions.get(s.id)).status).toBe('closed');
    });

    it('should close an inactive session with the closing message', async () => {
      const { lineId, ops } = await lineWith(1, { closingMessage: 'Closed for inactivity. Bye!' });
      const chat = await customerWrites(lineId);
      await h.sessions.recordOperatorReply({
        chatId: (await chatRow(lineId, chat)).id,
        operatorId: ops[0].id,
      });
      h.clock.advance(4 * 3600_000 - 1000);
      await h.scheduler.tick();
      expect((await sessionOf(lineId, chat)).status).toBe('answered');
      h.clock.advance(1000);
      expect((await h.scheduler.tick()).autoClosed).toBeGreaterThanOrEqual(1);

      expect(await sessionOf(lineId, chat)).toMatchObject({ status: 'closed', closeReason: 'inactivity' });
      expect(await sentTo(lineId, chat)).toEqual(['Closed for inactivity. Bye!']);
    });

    it('should ask for a rating at close and record the customer reply without reopening', async () => {
      const { lineId, ops } = await lineWith(1, { ratingRequest: true, ratingMessage: 'Rate us: 1 or 0' });
      const chat = await customerWrites(lineId);
      const s = await sessionOf(lineId, chat);
      await h.sessions.closeByOperator(s.id, ops[0].id);
      await customerWrites(lineId, ' 1 ', chat);

      expect(await h.sessions.get(s.id)).toMatchObject({ status: 'closed', ratingAsked: true, rating: 1 });
      expect(await sentTo(lineId, chat)).toEqual(['Rate us: 1 or 0']);
    });
  });

  describe('transfer', () => {
    it('should transfer to another operator, who must accept in time', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly' });
      const s = await sessionOf(lineId, await customerWrites(lineId));
      const moved = await h.sessions.transferToOperator(s.id, ops[0].id, ops[1].id);
      expect(moved).toMatchObject({ status: 'assigned', operatorId: ops[1].id, acceptedAt: null });
      await expect(
        h.sessions.close(await h.sessions.get(s.id), { reason: 'operator' }),
      ).resolves.not.toBeNull();
    });

    it('should transfer to another line and route it there', async () => {
      const a = await lineWith(1);
      const b = await lineWith(1);
      const s = await sessionOf(a.lineId, await customerWrites(a.lineId));
      const moved = await h.sessions.transferToLine(s.id, a.ops[0].id, b.lineId);
      expect(moved).toMatchObject({ lineId: b.lineId, status: 'assigned', operatorId: b.ops[0].id });
    });

    it('should refuse actions of an operator the session is not assigned to', async () => {
      const { lineId, ops } = await lineWith(2, { queueType: 'strictly' });
      const s = await sessionOf(lineId, await customerWrites(lineId));
      await expect(h.sessions.closeByOperator(s.id, ops[1].id)).rejects.toThrow('not assigned to you');
      await expect(h.sessions.transferToOperator(s.id, ops[1].id, ops[1].id)).rejects.toThrow();
    });
  });

  describe('bot', () => {
    it('should answer with the menu and route by the customer choice', async () => {
      const sales = await lineWith(1);
      const { lineId, ops } = await lineWith(1, {
        bot: {
          menu: '1 — sales, 2 — human',
          options: [
            { key: '1', label: 'sales', action: 'line', lineId: sales.lineId },
            { key: '2', label: 'human', action: 'human' },
          ],
        },
      });
      const toHuman = await customerWrites(lineId, 'hi');
      expect(await sessionOf(lineId, toHuman)).toMatchObject({ status: 'new', botStage: 'menu' });
      await customerWrites(lineId, 'what?', toHuman);
      await customerWrites(lineId, '2', toHuman);
      expect(await sessionOf(lineId, toHuman)).toMatchObject({
        status: 'assigned',
        operatorId: ops[0].id,
        botStage: null,
      });
      expect(await sentTo(lineId, toHuman)).toEqual(['1 — sales, 2 — human', '1 — sales, 2 — human']);

      const toSales = await customerWrites(lineId, 'hi');
      await customerWrites(lineId, '1', toSales);
      expect(await sessionOf(lineId, toSales)).toMatchObject({
        lineId: sales.lineId,
        status: 'assigned',
        operatorId: sales.ops[0].id,
      });
    });
  });

  describe('history', () => {
    it('should record every status change of a session', async () => {
      const { lineId, ops } = await lineWith(1);
      const s = await sessionOf(lineId, await customerWrites(lineId));
      await h.sessions.accept(s.id, ops[0].id);
      await h.sessions.closeByOperator(s.id, ops[0].id);
      const history = await h.db.client.sessionHistory.findMany({
        where: { sessionId: s.id },
        orderBy: { id: 'asc' },
      });
      expect(history.map((x) => [x.status, x.note])).toEqual([
        ['new', 'opened by a customer message'],
        ['waiting', 'queued'],
        ['assigned', 'routed'],
        ['assigned', 'accepted'],
        ['closed', 'closed by its operator'],
      ]);
    });
  });
});
