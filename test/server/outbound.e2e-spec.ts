import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseKeyRing } from '../../src/protocol/index.js';
import { drive, startFixture, type Fixture } from './support/fixture.js';
import { postSigned } from './support/portal-stand-in.js';
import { SERVER_ID } from './support/server.js';

const outgoing = (n: number) => ({
  im: { chat_id: 10, message_id: 100 + n },
  chat: { id: 'chat-1' },
  message: { text: `answer ${n}` },
});

describe('outbound calls to the channel', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture({ env: { OUTBOUND_RETRY_SCHEDULE: '10s,1m' } });
  });
  afterEach(async () => {
    await f.close();
  });

  const call = async (command: string, items: unknown[]) => {
    const res = await postSigned({
      url: `${f.server.url}/olp/v1/portal`,
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(f.keySpec),
      clock: f.server.clock,
      body: { command, connector: 'test', line: '1', data: [items] },
    });
    expect(res.status).toBe(202);
  };
  /** Runs the outbound worker, then pushes the reports it queued to the portal. */
  const deliver = async () => {
    const calls = await f.server.outbound.tick();
    await drive(f.server, [f.portal]);
    return calls;
  };
  const sentTexts = () =>
    f.channel.calls.map((c) => `${c.action}:${(c.item as { message: { text: string } }).message.text}`);
  const reports = () =>
    f.portal.received.flatMap((p) => p.data.map((item) => ({ command: p.command, item })));

  it('should send each message and report its external id back to the portal', async () => {
    await call('sendMessage', [outgoing(1), outgoing(2)]);
    await deliver();

    expect(sentTexts()).toEqual(['send:answer 1', 'send:answer 2']);
    expect(reports()).toEqual([
      {
        command: 'receivingStatusDelivery',
        item: {
          im: { chat_id: '10', message_id: '101' },
          message: { id: ['ext-1'], date: 1_767_225_600 },
          chat: { id: 'chat-1' },
        },
      },
      {
        command: 'receivingStatusDelivery',
        item: {
          im: { chat_id: '10', message_id: '102' },
          message: { id: ['ext-2'], date: 1_767_225_600 },
          chat: { id: 'chat-1' },
        },
      },
    ]);
    expect(await f.server.db.outboundCall.count()).toBe(0);
    expect(await f.server.db.queueItem.count()).toBe(0);
  });

  it('should report a message the channel refused as receivingError', async () => {
    f.channel.script.push('refuse');
    await call('sendMessage', [outgoing(1)]);
    await deliver();
    expect(reports()).toEqual([
      {
        command: 'receivingError',
        item: {
          im: { chat_id: '10', message_id: '101' },
          chat: { id: 'chat-1' },
          code: 'CHAT_NOT_FOUND',
          message: 'the chat is gone',
        },
      },
    ]);
  });

  it('should report updates, and deletions only when they fail', async () => {
    f.channel.script.push('ok', 'ok', 'refuse');
    await call('updateMessage', [outgoing(1)]);
    await call('deleteMessage', [outgoing(2), outgoing(3)]);
    await deliver();
    expect(sentTexts()).toEqual(['update:answer 1', 'delete:answer 2', 'delete:answer 3']);
    expect(
      reports().map((r) => [r.command, (r.item as { im: { message_id: string } }).im.message_id]),
    ).toEqual([
      ['receivingStatusDelivery', '101'],
      ['receivingError', '103'],
    ]);
  });

  it('should retry a transient failure later, resuming after the items already handled, and keep the order', async () => {
    f.channel.script.push('ok', 'throw');
    await call('sendMessage', [outgoing(1), outgoing(2), outgoing(3)]);
    await call('sendMessage', [outgoing(4)]);

    await deliver();
    expect(sentTexts()).toEqual(['send:answer 1']);
    expect(await f.server.db.outboundCall.findFirst({ orderBy: { id: 'asc' } })).toMatchObject({
      doneItems: 1,
      attempts: 1,
      lastError: 'channel unreachable',
    });

    f.server.clock.advance(10_000 - 1);
    expect(await f.server.outbound.tick()).toBe(0);
    f.server.clock.advance(1);
    await deliver();
    expect(sentTexts()).toEqual(['send:answer 1', 'send:answer 2', 'send:answer 3', 'send:answer 4']);
    expect(reports().map((r) => (r.item as { im: { message_id: string } }).im.message_id)).toEqual([
      '101',
      '102',
      '103',
      '104',
    ]);
  });

  it('should report the remaining items failed once the retry schedule is spent', async () => {
    f.channel.script.push('throw', 'throw', 'throw');
    await call('sendMessage', [outgoing(1), outgoing(2)]);
    await deliver();
    f.server.clock.advance(10_000);
    await deliver();
    f.server.clock.advance(60_000);
    await deliver();

    expect(f.channel.calls).toEqual([]);
    expect(reports()).toEqual(
      [101, 102].map((id) => ({
        command: 'receivingError',
        item: {
          im: { chat_id: '10', message_id: String(id) },
          chat: { id: 'chat-1' },
          code: 'DELIVERY_FAILED',
          message: 'channel unreachable',
        },
      })),
    );
    expect(await f.server.db.outboundCall.count()).toBe(0);
  });

  it('should leave the claim of a live owner alone and take back at once that of a dead one', async () => {
    await call('sendMessage', [outgoing(1)]);
    const now = f.server.clock.now();
    await f.server.db.workerOwner.create({
      data: { id: 'other', instance: 'elsewhere', startedAt: now, heartbeatAt: now },
    });
    // Another process claimed the line for the whole outbound lease (5 min), and beats.
    await f.server.db.line.update({
      where: { id: f.line.id },
      data: { outLeaseToken: 'theirs', outOwner: 'other', outNextAt: new Date(now.getTime() + 300_000) },
    });
    await deliver();
    expect(f.channel.calls).toEqual([]);

    // It stops beating: past the liveness window (WORKER_OWNER_TIMEOUT, 10 s) it is dead.
    f.server.clock.advance(10_001);
    await deliver();
    expect(sentTexts()).toEqual(['send:answer 1']);
    expect(await f.server.db.outboundCall.count()).toBe(0);
  });
});
