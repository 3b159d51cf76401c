import { ManualClock } from '../../../src/common/clock.js';
import { parseKeyRing } from '../../../src/protocol/index.js';
import { BOTFRAMEWORK_CONNECTOR } from '../../../src/server/connectors/botframework/botframework.definition.js';
import type { LineRow } from '../../../src/server/lines/lines.repository.js';
import { BotFrameworkStandIn } from '../../support/stand-ins/botframework.js';
import { addPortal } from '../support/fixture.js';
import { postSigned, type PortalStandIn } from '../support/portal-stand-in.js';
import { addLine, SERVER_ID, startServer, type TestServer } from '../support/server.js';

export const APP_ID = '2ec5c3a4-6bd2-4c38-8a56-7e9e2b1c0f11';
export const APP_PASSWORD = 'bot-client-secret';

export interface BotframeworkFixture {
  server: TestServer;
  portal: PortalStandIn;
  keySpec: string;
  bf: BotFrameworkStandIn;
  line: LineRow;
  webhookUrl: string;
  /** Calls a portal-to-server method as the portal would, under a (virtual) connector id. */
  call(command: string, connector: string, data: unknown[]): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** A server with the Bot Framework connector, its stand-in, a stand-in portal and one `botframework` line. */
export async function startBotframework(env: Record<string, string> = {}): Promise<BotframeworkFixture> {
  const clock = new ManualClock();
  const bf = await new BotFrameworkStandIn(clock).start();
  bf.apps.set(APP_ID, APP_PASSWORD);
  const server = await startServer({
    connectors: [BOTFRAMEWORK_CONNECTOR],
    clock,
    env: { ...bf.env(), ...env },
  });
  const { portal, keySpec } = await addPortal(server, 'portal-a');
  const line = await addLine(server, {
    portalId: 'portal-a',
    connector: 'botframework',
    lineId: '1',
    settings: { appId: APP_ID, appPassword: APP_PASSWORD },
  });
  return {
    server,
    portal,
    keySpec,
    bf,
    line,
    webhookUrl: `${server.url}/hook?h=${encodeURIComponent(line.hash)}`,
    call: (command, connector, data) =>
      postSigned({
        url: `${server.url}/olp/v1/portal`,
        iss: 'portal-a',
        aud: SERVER_ID,
        keys: parseKeyRing(keySpec),
        clock,
        body: { command, connector, line: '1', data },
      }),
    close: async () => {
      await portal.close();
      await server.close();
      await bf.close();
    },
  };
}
