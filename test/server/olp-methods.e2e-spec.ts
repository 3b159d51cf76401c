import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseKeyRing } from '../../src/protocol/index.js';
import { drive, startFixture, type Fixture } from './support/fixture.js';
import { postSigned } from './support/portal-stand-in.js';
import { customerMessage, enqueueMessages, SERVER_ID } from './support/server.js';

describe('portal-to-server methods', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const call = (command: string, connector: string, line: string | null, data: unknown[]) =>
    postSigned({
      url: `${f.server.url}/olp/v1/portal`,
      iss: 'portal-a',
      aud: SERVER_ID,
      keys: parseKeyRing(f.keySpec),
      clock: f.server.clock,
      body: { command, connector, line, data },
    });
  const hookUrl = (res: { body: unknown }) => (res.body as { data: { webhookUrl: string } }).data.webhookUrl;

  describe('saveSettings', () => {
    it('should keep the parameters sealed, and give the line one webhook address', async () => {
      const first = await call('saveSettings', 'test', '5', [
        { token: 'channel-token-5f2a', secret: 's3cret-value' },
      ]);
      expect(first).toEqual({
        status: 200,
        body: { ok: true, data: { result: 'OK', webhookUrl: expect.stringMatching(/\/hook\?h=[\w-]{43}$/) } },
      });
      const again = await call('saveSettings', 'test', '5', [{ token: 'channel-token-6b1c' }]);
      expect(hookUrl(again)).toBe(hookUrl(first));

      const stored = await f.server.db.connectionParams.findMany();
      const all = JSON.stringify(stored);
      expect(all).not.toContain('channel-token');
      expect(all).not.toContain('s3cret-value');
      expect(await call('testConnect', 'test', '5', [])).toEqual({
        status: 200,
        body: { ok: true, data: { result: 'OK', connection: true } },
      });
    });

    it("should answer the connector's refusal with the field it names, storing nothing", async () => {
      const res = await call('saveSettings', 'test', '5', [{ secret: 'x' }]);
      expect(res).toEqual({
        status: 200,
        body: {
          ok: false,
          error: [{ code: 'INVALID_SETTINGS', message: 'token is required', field: 'data.0.token' }],
        },
      });
      expect(await f.server.db.line.count({ where: { lineId: '5' } })).toBe(0);
    });

    it('should refuse a connector no registered definition serves', async () => {
      const res = await call('saveSettings', 'telegrambot', '5', [{ token: 't' }]);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        ok: false,
        error: [{ code: 'UNKNOWN_CONNECTOR', field: 'connector' }],
      });
    });

    it('should require the line', async () => {
      const res = await call('saveSettings', 'test', null, [{ token: 't' }]);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: [{ code: 'MALFORMED_PACKET', field: 'line' }] });
    });
  });

  describe('connector methods', () => {
    it('should refuse them on a line without settings', async () => {
      const res = await call('testConnect', 'test', '9', []);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: [{ code: 'NOT_CONFIGURED', field: 'line' }] });
    });

    it('should delegate register and unregister to the connector, with the webhook address', async () => {
      const saved = await call('saveSettings', 'test', '5', [{ token: 't' }]);
      expect(await call('register', 'test', '5', [])).toEqual({
        status: 200,
        body: { ok: true, data: { result: 'OK', registered: true } },
      });
      expect((await call('unregister', 'test', '5', [])).body).toEqual({
        ok: true,
        data: { result: 'OK', registered: false },
      });
      expect(f.channel.calls.map((c) => [c.action, c.item])).toEqual([
        ['register', hookUrl(saved)],
        ['unregister', null],
      ]);
    });

    it('should serve virtual channels through their real connector', async () => {
      await call('saveSettings', 'test.alpha', '5', [{ token: 't' }]);
      await call('saveSettings', 'test', '5', [{ token: 't' }]);
      const info = await call('infoConnectorsLine', 'all', null, ['5']);
      expect(info).toEqual({
        status: 200,
        body: {
          ok: true,
          data: {
            test: { available: true, webhookUrl: expect.any(String), channel: null, tokenSet: true },
            'test.alpha': {
              available: true,
              webhookUrl: expect.any(String),
              channel: 'alpha',
              tokenSet: true,
            },
          },
        },
      });
    });

    it('should delete a line: connectors unregistered, queued messages kept as dead letters, the hook gone', async () => {
      const saved = await call('saveSettings', 'test', '5', [{ token: 't', secret: 's' }]);
      const line = (await f.server.db.line.findFirstOrThrow({ where: { lineId: '5' } })) as never;
      f.portal.mode = 'error-500';
      await enqueueMessages(f.server, line, [customerMessage(1), customerMessage(2)]);
      await drive(f.server, [f.portal]);

      const res = await call('deleteLine', 'all', null, ['5']);
      expect(res).toEqual({
        status: 200,
        body: {
          ok: true,
          data: { result: 'OK', removed: { test: { unregistered: true, deadLettered: 2 } } },
        },
      });
      expect(await f.server.db.line.count({ where: { lineId: '5' } })).toBe(0);
      expect(await f.server.db.queueItem.count()).toBe(0);
      expect(
        await f.server.db.deadLetter.count({ where: { lineId: '5', reason: 'line deleted by the portal' } }),
      ).toBe(2);
      const { pathname, search } = new URL(hookUrl(saved));
      const hook = await fetch(`${f.server.url}${pathname}${search}`, {
        method: 'POST',
        headers: { 'x-test-secret': 's' },
        body: '{}',
      });
      expect(hook.status).toBe(404);

      expect((await call('deleteConnector', 'test', '5', [])).body).toEqual({
        ok: true,
        data: { result: 'OK', removed: false },
      });
    });
  });

  describe('fire-and-forget methods', () => {
    it('should store status marks only for connectors that show them on the channel', async () => {
      const marks = [[{ chat: { id: 'chat-1' }, message: { id: 'm1' } }]];
      expect(await call('setStatusReading', 'test', '1', marks)).toEqual({
        status: 202,
        body: { ok: true, data: { accepted: 1 } },
      });
      expect(await call('setStatusDelivered', 'test', '1', marks)).toEqual({
        status: 202,
        body: { ok: true, data: { confirmed: 0 } },
      });
      const calls = await f.server.db.outboundCall.findMany();
      expect(calls.map((c) => c.method)).toEqual(['setStatusReading']);

      await f.server.outbound.tick();
      expect(f.channel.calls).toEqual([
        {
          connector: 'test',
          lineId: '1',
          action: 'markRead',
          item: [{ chat: { id: 'chat-1' }, message: { id: ['m1'] } }],
        },
      ]);
      expect(await f.server.db.outboundCall.count()).toBe(0);
    });
  });
});
