import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseKeyRing } from '../../../src/protocol/index.js';
import type { Connector, ConnectorDefinition } from '../../../src/server/connectors/connector.js';
import { liveChatDefinition } from '../../../src/server/connectors/livechat/livechat.connector.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { addPortal } from '../support/fixture.js';
import { postSigned, type PortalStandIn } from '../support/portal-stand-in.js';
import { addLine, SERVER_ID, startServer, type TestServer } from '../support/server.js';
import { Visitor } from './visitor.js';

const LEASE_MS = 30_000;

/**
 * The live chat connector of a process that dies right after its delivery: the visitor's event
 * is appended (committed), and nothing after it runs, so the outbound worker never records it.
 */
function diesAfterAppend(appended: () => void): ConnectorDefinition {
  return {
    ...liveChatDefinition,
    create: (channel, context) => {
      const real = liveChatDefinition.create(channel, context);
      const send: Connector['send'] = async (line, item, delivery) => {
        await real.send(line, item, delivery);
        appended();
        return new Promise(() => undefined);
      };
      return Object.assign(Object.create(real) as Connector, { send });
    },
  };
}

describe('live chat reply when the server dies between delivering and recording it', () => {
  let first: TestServer;
  let restarted: TestServer | undefined;
  let portal: PortalStandIn;
  let keySpec: string;
  let line: LineRow;
  let appended: Promise<void>;

  beforeEach(async () => {
    let signal = () => undefined as void;
    appended = new Promise((resolve) => (signal = resolve));
    first = await startServer({
      connectors: [diesAfterAppend(() => signal())],
      env: { OUTBOUND_LEASE: `${LEASE_MS / 1000}s` },
    });
    ({ portal, keySpec } = await addPortal(first, 'portal-a'));
    line = await addLine(first, { portalId: 'portal-a', connector: 'livechat', lineId: '1', settings: {} });
  });
  afterEach(async () => {
    await portal.close();
    await restarted?.stop();
    await first.close();
  });

  it('should give the visitor the reply exactly once after the restart', async () => {
    const visitor = new Visitor(first.url, line.hash);
    const session = await visitor.start({ name: 'Ann' });
    const res = await postSigned({
      url: `${first.url}/olp/v1/portal`,
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock: first.clock,
      body: {
        command: 'sendMessage',
        connector: 'livechat',
        line: '1',
        data: [
          [
            {
              im: { chat_id: '7', message_id: '101' },
              chat: { id: session.chatId },
              message: { text: 'Hi' },
            },
          ],
        ],
      },
    });
    expect(res.status).toBe(202);

    // The worker delivers and then the process is gone: its tick never comes back.
    void first.outbound.tick();
    await appended;
    await first.stop();

    restarted = await startServer({ connectors: [liveChatDefinition], reuse: first });
    expect(await restarted.db.outboundCall.findMany({ select: { doneItems: true } })).toEqual([
      { doneItems: 0 },
    ]);
    expect(await restarted.db.liveChatEvent.count()).toBe(1);
    restarted.clock.advance(LEASE_MS + 1);
    await restarted.outbound.tick();

    expect(await restarted.db.outboundCall.count()).toBe(0);
    const events = await restarted.db.liveChatEvent.findMany();
    expect(events).toHaveLength(1);
    const again = new Visitor(restarted.url, line.hash);
    again.session = session;
    const polled = await again.poll(0, 0);
    expect(polled.events.map((e) => `${e.type}:${e.message.text ?? ''}`)).toEqual(['message:Hi']);
    // The portal hears of the delivery once, by the id of the one event the visitor has.
    const reports = await restarted.db.queueItem.findMany({ where: { command: 'receivingStatusDelivery' } });
    expect(reports.map((r) => JSON.parse(r.payload) as unknown)).toEqual([
      expect.objectContaining({ message: expect.objectContaining({ id: [polled.events[0].message.id] }) }),
    ]);
  });
});
