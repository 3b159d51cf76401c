import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { messageActivity } from '../../factories/botframework-activity.factory.js';
import { APP_ID, APP_PASSWORD, startBotframework, type BotframeworkFixture } from './support.js';

describe('Bot Framework line settings', () => {
  let f: BotframeworkFixture;
  beforeEach(async () => {
    f = await startBotframework();
  });
  afterEach(async () => {
    await f.close();
  });

  /** The line's webhook address (its host is the configured public URL). */
  const hookOfLine = () => new RegExp(`/hook\\?h=${encodeURIComponent(f.line.hash)}$`);

  it('should keep the app id and password sealed and check them for a token on testConnect', async () => {
    const saved = await f.call('saveSettings', 'botframework', [
      { app_id: APP_ID, app_password: APP_PASSWORD },
    ]);
    expect(saved).toMatchObject({
      status: 200,
      body: { ok: true, data: { result: 'OK', webhookUrl: expect.stringMatching(hookOfLine()) } },
    });
    const params = await f.server.db.connectionParams.findMany();
    expect(params.map((p) => p.data).join()).not.toContain(APP_PASSWORD);

    const tested = await f.call('testConnect', 'botframework', []);
    expect(tested).toMatchObject({ status: 200, body: { ok: true, data: { result: 'OK', app_id: APP_ID } } });
    expect(f.bf.tokenRequests).toHaveLength(1);

    const info = await f.call('infoConnectorsLine', 'all', ['1']);
    expect(info.body).toMatchObject({
      ok: true,
      data: {
        botframework: {
          available: true,
          app_id: APP_ID,
          messaging_endpoint: expect.stringMatching(hookOfLine()),
        },
      },
    });
  });

  it('should refuse settings without a password, naming the field', async () => {
    const res = await f.call('saveSettings', 'botframework', [{ app_id: APP_ID }]);
    expect(res.body).toMatchObject({
      ok: false,
      error: [{ code: 'INVALID_SETTINGS', field: 'app_password' }],
    });
  });

  it('should answer testConnect with INVALID_CREDENTIALS when the token endpoint refuses the password', async () => {
    await f.call('saveSettings', 'botframework', [{ app_id: APP_ID, app_password: 'wrong' }]);
    const res = await f.call('testConnect', 'botframework', []);
    expect(res.body).toMatchObject({ ok: false, error: [{ code: 'INVALID_CREDENTIALS' }] });
  });

  it('should remove the virtual channels’ records with the connector', async () => {
    await f.bf.post(f.webhookUrl, messageActivity({ serviceUrl: f.bf.serviceUrl, channelId: 'msteams' }), {
      appId: APP_ID,
    });
    expect(await f.server.db.line.count()).toBe(2);

    const res = await f.call('deleteConnector', 'botframework', []);
    expect(res.body).toMatchObject({ ok: true, data: { removed: true, deadLettered: 1 } });
    expect(await f.server.db.line.count()).toBe(0);
    expect(await f.server.db.deadLetter.findMany()).toMatchObject([{ connector: 'botframework.msteams' }]);
  });
});
