import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/common/clock.js';
import { startPortal, type TestPortal } from '../support/portal.js';
import { addLine, customerMessage, enqueueMessages, startServer, type TestServer } from './support/server.js';
import { TestChannel } from './support/test-connector.js';

describe('connector server and the real portal', () => {
  let server: TestServer;
  let portal: TestPortal;
  beforeAll(async () => {
    // The portal keeps real time; the server's clock starts at the same moment.
    server = await startServer({
      connectors: [new TestChannel().definition()],
      clock: new ManualClock(Date.now()),
    });
    portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url } });
    await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
  });
  afterAll(async () => {
    await portal.close();
    await server.close();
  });

  it('should deliver queued messages, taking the portal’s own setStatusDelivered as confirmation', async () => {
    const line = await addLine(server, { portalId: portal.config.portalId, lineId: '1' });
    await enqueueMessages(
      server,
      line,
      [1, 2, 3].map((n) => customerMessage(n)),
    );

    // The portal confirms through its durable outbox, on its own worker's time.
    while ((await server.db.queueItem.count()) > 0) {
      await server.queue.tick();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await server.db.line.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({
      phase: 'idle',
      attempt: 0,
    });
    expect(await server.db.deadLetter.count()).toBe(0);
  });
});
