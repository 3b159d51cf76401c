import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseKeyRing } from '../../src/protocol/index.js';
import { Housekeeping } from '../../src/server/workers/housekeeping.js';
import { drive, startFixture, type Fixture } from './support/fixture.js';
import { postSigned } from './support/portal-stand-in.js';
import { addLine, SERVER_ID } from './support/server.js';

const reply = (messageId: number, text = `answer ${messageId}`) => ({
  im: { chat_id: 10, message_id: messageId },
  chat: { id: 'chat-1' },
  message: { text },
});

/** The portal's outbox sends a call again when it lost the answer: the server stores it once. */
describe('outbound calls sent again by the portal', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  /** One signed call; each carries its own jti, as each outbox attempt does. */
  const call = (command: string, items: unknown[], line = '1') =>
    postSigned({
      url: `${f.server.url}/olp/v1/portal`,
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(f.keySpec),
      clock: f.server.clock,
      body: { command, connector: 'test', line, data: [items] },
    });
  const deliver = async () => {
    await f.server.outbound.tick();
    await drive(f.server, [f.portal]);
  };
  const sent = () =>
    f.channel.calls.map((c) => `${c.action}:${(c.item as { message: { text: string } }).message.text}`);

  it('should answer a repeated sendMessage as the first and store it once, before and after delivery', async () => {
    const accepted = { status: 202, body: { ok: true, data: { accepted: 1 } } };
    expect(await call('sendMessage', [reply(101)])).toEqual(accepted);
    expect(await call('sendMessage', [reply(101)])).toEqual(accepted);
    expect(await f.server.db.outboundCall.count()).toBe(1);

    await deliver();
    expect(await call('sendMessage', [reply(101)])).toEqual(accepted);
    await deliver();

    expect(sent()).toEqual(['send:answer 101']);
    expect(await f.server.db.outboundCall.count()).toBe(0);
    expect(f.portal.received.flatMap((p) => p.data)).toHaveLength(1);
  });

  it('should store only the items of a call it does not hold yet', async () => {
    await call('sendMessage', [reply(101)]);
    expect(await call('sendMessage', [reply(101), reply(102)])).toMatchObject({
      status: 202,
      body: { data: { accepted: 2 } },
    });
    await deliver();
    expect(sent()).toEqual(['send:answer 101', 'send:answer 102']);
  });

  it('should take each new edit of a message, and an edit repeated only once', async () => {
    const edit = (text: string) => ({ ...reply(101, text), message: { id: ['ext-1'], text } });
    await call('updateMessage', [edit('first edit')]);
    await call('updateMessage', [edit('first edit')]);
    await call('updateMessage', [edit('second edit')]);
    await call('updateMessage', [edit('first edit')]);
    await deliver();
    expect(sent()).toEqual(['update:first edit', 'update:second edit', 'update:first edit']);
  });

  it('should send a refused message again when the portal resends it under the same id', async () => {
    f.channel.script.push('refuse');
    await call('sendMessage', [reply(101)]);
    await deliver();
    expect(f.portal.received.flatMap((p) => p.data)).toMatchObject([{ code: 'CHAT_NOT_FOUND' }]);

    await call('sendMessage', [reply(101)]);
    await deliver();
    expect(sent()).toEqual(['send:answer 101', 'send:answer 101']);
    expect(f.portal.received.map((p) => p.command)).toEqual(['receivingError', 'receivingStatusDelivery']);
  });

  it('should keep receipts apart per line', async () => {
    await addLine(f.server, { portalId: 'portal-a', lineId: '2' });
    expect((await call('sendMessage', [reply(101)])).status).toBe(202);
    expect((await call('sendMessage', [reply(101)], '2')).status).toBe(202);
    expect(await f.server.db.outboundCall.count()).toBe(2);
  });

  it('should forget receipts after a week, in housekeeping', async () => {
    await call('sendMessage', [reply(101)]);
    await deliver();
    const housekeeping = f.server.app.get(Housekeeping);
    expect((await housekeeping.run()).outboundReceipts).toBe(0);
    f.server.clock.advance(7 * 86_400_000 + 1);
    expect((await housekeeping.run()).outboundReceipts).toBe(1);
    expect(await f.server.db.outboundReceipt.count()).toBe(0);
  });
});
