import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BOT_ACCOUNT,
  conversationUpdateActivity,
  messageActivity,
  messageDeleteActivity,
  messageUpdateActivity,
  typingActivity,
  USER_ACCOUNT,
} from '../../factories/botframework-activity.factory.js';
import { drive } from '../support/fixture.js';
import { APP_ID, startBotframework, type BotframeworkFixture } from './support.js';

describe('Bot Framework activities at /hook', () => {
  let f: BotframeworkFixture;
  beforeEach(async () => {
    f = await startBotframework();
  });
  afterEach(async () => {
    await f.close();
  });

  const post = (activity: Record<string, unknown>, opts: Partial<Parameters<typeof f.bf.post>[2]> = {}) =>
    f.bf.post(f.webhookUrl, activity, { appId: APP_ID, ...opts });
  /** What reached the portal, as (connector, message) pairs. */
  const delivered = async () => {
    await drive(f.server, [f.portal]);
    return f.portal.received.flatMap((p) => p.data.map((item) => ({ connector: p.connector, item })));
  };
  const lineConnectors = async () =>
    (await f.server.db.line.findMany({ orderBy: { connector: 'asc' } })).map((l) => l.connector);

  it('should take a signed message activity and deliver it under the virtual channel of its channelId', async () => {
    const res = await post(messageActivity({ serviceUrl: f.bf.serviceUrl }));
    expect(res.status).toBe(200);

    const [got, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(got).toMatchObject({
      connector: 'botframework.webchat',
      item: {
        type_message: 'message',
        user: { id: USER_ACCOUNT.id, name: USER_ACCOUNT.name },
        chat: { id: 'abcd1234', name: "conversation's name" },
        message: {
          id: 'bf3cc9a2f5de...',
          date: Math.floor(Date.parse('2016-10-19T20:17:52.2891902Z') / 1000),
          text: 'Haircut on Saturday',
          from: USER_ACCOUNT,
          recipient: BOT_ACCOUNT,
          service_url: f.bf.serviceUrl,
          conversation: { id: 'abcd1234', name: "conversation's name", switchboard_seal: expect.any(String) },
        },
      },
    });
    expect(f.portal.received[0]).toMatchObject({ command: 'receivingMessage', line: '1' });
    expect(await lineConnectors()).toEqual(['botframework', 'botframework.webchat']);
    // The portal's setStatusDelivered under the virtual id released the virtual line.
    expect(await f.server.db.queueItem.count()).toBe(0);
  });

  it('should queue an activity the Bot Connector redelivers once', async () => {
    const activity = messageActivity({ serviceUrl: f.bf.serviceUrl });
    expect((await post(activity)).status).toBe(200);
    expect((await post(activity)).status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(1);
    // The same id in another kind of activity is another delivery.
    expect((await post(messageUpdateActivity({ serviceUrl: f.bf.serviceUrl }))).status).toBe(200);
    expect(await f.server.db.queueItem.count()).toBe(2);
  });

  it('should choose the virtual channel from each activity’s channelId', async () => {
    for (const [n, channelId] of ['msteams', 'skype', 'msteams'].entries()) {
      expect(
        (await post(messageActivity({ serviceUrl: f.bf.serviceUrl, channelId, id: `m-${n}` }))).status,
      ).toBe(200);
    }
    const got = await delivered();
    expect(got.map((g) => g.connector).sort()).toEqual([
      'botframework.msteams',
      'botframework.msteams',
      'botframework.skype',
    ]);
    expect(await lineConnectors()).toEqual(['botframework', 'botframework.msteams', 'botframework.skype']);
  });

  it('should turn each kind of activity into its OLP message', async () => {
    const serviceUrl = f.bf.serviceUrl;
    const activities = [
      messageActivity({
        serviceUrl,
        id: 'a1',
        text: 'see attached',
        attachments: [
          { contentType: 'image/png', contentUrl: 'https://example.com/pic.png', name: 'pic.png' },
          { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'a card' } },
          {
            contentType: 'application/vnd.microsoft.teams.file.download.info',
            name: 'report.pdf',
            content: { downloadUrl: 'https://example.sharepoint.com/report.pdf', fileType: 'pdf' },
          },
        ],
      }),
      messageUpdateActivity({ serviceUrl, id: 'a1' }),
      messageDeleteActivity({ serviceUrl, id: 'a1' }),
      typingActivity({ serviceUrl, id: 't1' }),
      conversationUpdateActivity({ serviceUrl, id: 'c1' }),
      { ...typingActivity({ serviceUrl, id: 'e1' }), type: 'event', name: 'webchat/join' },
    ];
    for (const activity of activities) expect((await post(activity)).status).toBe(200);

    const got = (await delivered()).map(
      (g) => g.item as { type_message: string; user: unknown; message: Record<string, unknown> },
    );
    expect(got.map((m) => [m.type_message, m.message.id])).toEqual([
      ['message', 'a1'],
      ['message_update', 'a1'],
      ['message_del', 'a1'],
      ['typing_start', 't1'],
      ['command_start', `c1:start:${USER_ACCOUNT.id}`],
    ]);
    expect(got[0].message.files).toEqual([
      { url: 'https://example.com/pic.png', name: 'pic.png', type: 'image/png' },
      { url: 'https://example.sharepoint.com/report.pdf', name: 'report.pdf' },
    ]);
    expect(got[1].message.text).toBe('Haircut on Sunday');
    expect(got[2].message).not.toHaveProperty('text');
    expect(got[4].user).toEqual({ id: USER_ACCOUNT.id, name: USER_ACCOUNT.name });
  });

  describe('refusals', () => {
    const stored = async () => ({
      items: await f.server.db.queueItem.count(),
      lines: await f.server.db.line.count(),
    });

    it.each([
      ['a token for another bot', { appId: 'another-app' }],
      [
        'a token from another issuer',
        { issuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/' },
      ],
      ['an expired token', { expiresIn: -600 }],
      ['a token signed with a key the metadata does not name', { unknownKey: true }],
      ['a token that names no signing key, whose endorsements cannot be told', { noKid: true }],
    ])('should refuse %s with 401, storing nothing', async (_name, opts) => {
      const res = await post(messageActivity({ serviceUrl: f.bf.serviceUrl }), opts);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: [{ code: 'HOOK_REJECTED' }] });
      expect(await stored()).toEqual({ items: 0, lines: 1 });
    });

    it('should refuse an activity without an Authorization header with 401, storing nothing', async () => {
      const res = await fetch(f.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(messageActivity({ serviceUrl: f.bf.serviceUrl })),
      });
      expect(res.status).toBe(401);
      expect(await stored()).toEqual({ items: 0, lines: 1 });
    });

    it('should refuse a token issued for another serviceUrl with 403, storing nothing', async () => {
      const res = await post(messageActivity({ serviceUrl: f.bf.serviceUrl }), {
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
      });
      expect(res.status).toBe(403);
      expect(await stored()).toEqual({ items: 0, lines: 1 });
    });

    it('should refuse an activity of a channel its signing key is not endorsed for with 403, storing nothing', async () => {
      // Keys are read on the first activity, so the stand-in publishes this list.
      f.bf.endorsements = ['msteams'];
      const res = await post(messageActivity({ serviceUrl: f.bf.serviceUrl, channelId: 'webchat' }));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        ok: false,
        error: [{ code: 'HOOK_REJECTED', message: expect.stringContaining('"webchat"') }],
      });
      expect(await stored()).toEqual({ items: 0, lines: 1 });
      // The same key signs for the channel it is endorsed for.
      const taken = await post(messageActivity({ serviceUrl: f.bf.serviceUrl, channelId: 'msteams' }));
      expect(taken.status).toBe(200);
      expect(await stored()).toEqual({ items: 1, lines: 2 });
    });

    it('should take an activity signed with a key that lists no endorsements', async () => {
      f.bf.endorsements = null;
      expect((await post(messageActivity({ serviceUrl: f.bf.serviceUrl }))).status).toBe(200);
    });

    it('should refuse a body that is not an Activity with 400, storing nothing', async () => {
      const res = await post({ serviceUrl: f.bf.serviceUrl, type: 'message', channelId: 'webchat' });
      expect(res.status).toBe(400);
      expect(await stored()).toEqual({ items: 0, lines: 1 });
    });
  });
});
