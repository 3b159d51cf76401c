import { expect } from '@jest/globals';
import { ManualClock } from '../../src/common/clock.js';
import { liveChatDefinition } from '../../src/server/connectors/livechat/livechat.connector.js';
import { startServer, type TestServer } from '../server/support/server.js';
import { api } from './api-client.js';
import { startPortal, type TestPortal } from './portal.js';

export interface LiveChatPair {
  server: TestServer;
  portal: TestPortal;
  close(): Promise<void>;
}

/**
 * The real connector server with the live chat connector and the real portal using it, each on a
 * random port, the portal registered on the server. The portal keeps real time; the server's
 * manual clock starts at the same moment.
 */
export async function startLiveChatPair(
  opts: { serverEnv?: Record<string, string>; portalEnv?: Record<string, string> } = {},
): Promise<LiveChatPair> {
  const server = await startServer({
    connectors: [liveChatDefinition],
    clock: new ManualClock(Date.now()),
    ...(opts.serverEnv && { env: opts.serverEnv }),
  });
  const portal = await startPortal({ env: { CONNECTOR_SERVER_URL: server.url, ...opts.portalEnv } });
  await server.registry.add({ id: portal.config.portalId, baseUrl: portal.url, keySpec: portal.keySpec });
  return {
    server,
    portal,
    close: async () => {
      await portal.close();
      await server.close();
    },
  };
}

/**
 * Connects the live chat to a portal line with the channel wizard, as an admin does; resolves the
 * line's hash, which the widget's address names.
 */
export async function connectLiveChat(portal: TestPortal, token: string, lineId: number): Promise<string> {
  const setup = await api<{ ok: boolean; steps: { step: string; data?: { url?: string } }[] }>(
    portal,
    'POST',
    `/api/lines/${lineId}/connectors/livechat/setup`,
    { token, body: { params: {} } },
  );
  expect(setup.body.ok).toBe(true);
  const demo = setup.body.steps.find((s) => s.step === 'register')?.data?.url ?? '';
  return decodeURIComponent(/\/livechat\/([^/]+)\/demo$/.exec(demo)?.[1] ?? '');
}
