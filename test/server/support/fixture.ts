import { generateKeySpec } from '../../../src/protocol/index.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { PortalStandIn } from './portal-stand-in.js';
import { addLine, SERVER_ID, startServer, type StartServerOptions, type TestServer } from './server.js';
import { TestChannel } from './test-connector.js';

export interface Fixture {
  server: TestServer;
  portal: PortalStandIn;
  channel: TestChannel;
  line: LineRow;
  keySpec: string;
  close(): Promise<void>;
}

/**
 * Runs the queue worker until nothing is due, letting each round's confirmations arrive first
 * (what the continuous worker loop does over time). Resolves the number of line steps.
 */
export async function drive(server: TestServer, portals: PortalStandIn[]): Promise<number> {
  let total = 0;
  for (;;) {
    const steps = await server.queue.tick();
    await Promise.all(portals.map((p) => p.settled()));
    if (!steps) return total;
    total += steps;
  }
}

/** Registers a stand-in portal on a server. */
export async function addPortal(
  server: TestServer,
  portalId: string,
): Promise<{ portal: PortalStandIn; keySpec: string }> {
  const keySpec = generateKeySpec(`${portalId}-k1`);
  const portal = await new PortalStandIn({
    portalId,
    serverId: SERVER_ID,
    keySpec,
    clock: server.clock,
    serverUrl: server.url,
  }).start();
  await server.registry.add({ id: portalId, baseUrl: portal.url, keySpec });
  return { portal, keySpec };
}

/** A server with the test connector, one registered stand-in portal and one configured line. */
export async function startFixture(opts: StartServerOptions = {}): Promise<Fixture> {
  const channel = new TestChannel();
  const server = await startServer({ connectors: [channel.definition()], ...opts });
  const { portal, keySpec } = await addPortal(server, 'portal-a');
  const line = await addLine(server, { portalId: 'portal-a', lineId: '1' });
  const fixture: Fixture = {
    server,
    portal,
    channel,
    line,
    keySpec,
    // The server may have been replaced by a restarted one.
    close: async () => {
      await fixture.portal.close();
      await fixture.server.close();
    },
  };
  return fixture;
}
