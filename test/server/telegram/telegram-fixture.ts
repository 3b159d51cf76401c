import { parseKeyRing } from '../../../src/protocol/index.js';
import { telegramConnector } from '../../../src/server/connectors/telegram/telegram.connector.js';
import { botToken } from '../../factories/telegram.factory.js';
import { TelegramApiStandIn, type StandInBot } from '../../support/stand-ins/telegram-api.js';
import { addPortal } from '../support/fixture.js';
import type { PortalStandIn } from '../support/portal-stand-in.js';
import { postSigned } from '../support/portal-stand-in.js';
import { SERVER_ID, startServer, type StartServerOptions, type TestServer } from '../support/server.js';

export const BOT: StandInBot = {
  token: botToken(123456789),
  id: 123456789,
  username: 'switchboard_bot',
  first_name: 'Switchboard',
};

/** An OLP reply as the server writes it. */
export interface OlpReplyBody {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: { code: string; message: string; field?: string }[];
}

export interface TelegramFixture {
  server: TestServer;
  telegram: TelegramApiStandIn;
  portals: Map<string, { portal: PortalStandIn; keySpec: string }>;
  /** Calls a portal-to-server method as the portal signs it. */
  olp(
    portalId: string,
    command: string,
    line: string,
    data: unknown[],
  ): Promise<{ status: number; body: OlpReplyBody }>;
  /** saveSettings, testConnect and register, as the portal's channel wizard does. */
  connect(portalId: string, line: string, token?: string): Promise<void>;
  /** Posts an Update to the line's webhook as Telegram does (with the secret set by register). */
  deliver(token: string, update: unknown, secret?: string): Promise<Response>;
  close(): Promise<void>;
}

/** A server serving Telegram against the Bot API stand-in, with stand-in portals `portal-a` and `portal-b`. */
export async function startTelegramFixture(opts: StartServerOptions = {}): Promise<TelegramFixture> {
  const telegram = await new TelegramApiStandIn().addBot(BOT).start();
  const server = await startServer({
    connectors: [telegramConnector],
    ...opts,
    env: { TELEGRAM_API_URL: telegram.url, ...opts.env },
  });
  const portals = new Map<string, { portal: PortalStandIn; keySpec: string }>();
  for (const id of ['portal-a', 'portal-b']) portals.set(id, await addPortal(server, id));

  const olp: TelegramFixture['olp'] = async (portalId, command, line, data) => {
    const { keySpec } = portals.get(portalId) ?? { keySpec: '' };
    return postSigned({
      url: `${server.url}/olp/v1/portal`,
      iss: portalId,
      aud: SERVER_ID,
      keys: parseKeyRing(keySpec),
      clock: server.clock,
      body: { command, connector: 'telegrambot', line, data },
    }) as Promise<{ status: number; body: OlpReplyBody }>;
  };
  const ok = async (portalId: string, command: string, line: string, data: unknown[]) => {
    const res = await olp(portalId, command, line, data);
    if (res.status !== 200 || !res.body.ok)
      throw new Error(`${command}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const fixture: TelegramFixture = {
    server,
    telegram,
    portals,
    olp,
    connect: async (portalId, line, token = BOT.token) => {
      await ok(portalId, 'saveSettings', line, [{ token }]);
      await ok(portalId, 'testConnect', line, []);
      await ok(portalId, 'register', line, []);
    },
    deliver: (token, update, secret) => {
      const hook = telegram.webhooks.get(token);
      if (!hook) throw new Error('no webhook is set for this bot');
      // The server listens on a random port; its public URL (given to Telegram) names port 0.
      const hash = new URL(hook.url).searchParams.get('h') ?? '';
      return fetch(`${server.url}/hook?h=${encodeURIComponent(hash)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': secret ?? hook.secret_token ?? '',
        },
        body: JSON.stringify(update),
      });
    },
    // The server may have been replaced by a restarted one.
    close: async () => {
      for (const { portal } of portals.values()) await portal.close();
      await fixture.server.close();
      await telegram.close();
    },
  };
  return fixture;
}
