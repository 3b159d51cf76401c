import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BOT_ACCOUNT, messageActivity, USER_ACCOUNT } from '../../factories/botframework-activity.factory.js';
import { drive } from '../support/fixture.js';
import { APP_ID, startBotframework, type BotframeworkFixture } from './support.js';

type Received = { message: Record<string, unknown> };

describe('Bot Framework outbound calls', () => {
  let f: BotframeworkFixture;
  /** The chat's sender data as the portal keeps it and mixes it into replies (reply from the bot to the customer). */
  let address: Record<string, unknown>;

  beforeEach(async () => {
    f = await startBotframework({ OUTBOUND_RETRY_SCHEDULE: '10s,1m' });
    const res = await f.bf.post(f.webhookUrl, messageActivity({ serviceUrl: f.bf.serviceUrl }), {
      appId: APP_ID,
    });
    expect(res.status).toBe(200);
    await drive(f.server, [f.portal]);
    const { from, recipient, service_url, conversation } = (f.portal.received[0].data[0] as Received).message;
    address = { from: recipient, recipient: from, service_url, conversation };
    f.portal.received.length = 0;
  });
  afterEach(async () => {
    await f.close();
  });

  const item = (n: number, message: Record<string, unknown> = {}) => ({
    im: { chat_id: 10, message_id: 100 + n },
    chat: { id: 'abcd1234' },
    message: { text: `answer [b]${n}[/b]`, ...address, ...message },
  });
  const call = async (command: string, items: unknown[]) => {
    const res = await f.call(command, 'botframework.webchat', [items]);
    expect(res.status).toBe(202);
  };
  /** Runs the outbound worker, then pushes the reports it queued to the portal. */
  const deliver = async () => {
    await f.server.outbound.tick();
    await drive(f.server, [f.portal]);
    return f.portal.received.flatMap((p) =>
      p.data.map((data) => ({ command: p.command, connector: p.connector, data })),
    );
  };

  it('should post a reply to the conversation’s activities and report the activity id', async () => {
    await call('sendMessage', [item(1)]);
    const reports = await deliver();

    expect(f.bf.calls).toEqual([
      {
        method: 'POST',
        path: '/amer/v3/conversations/abcd1234/activities',
        conversationId: 'abcd1234',
        authorization: expect.stringMatching(/^Bearer token-/),
        body: {
          type: 'message',
          from: BOT_ACCOUNT,
          recipient: USER_ACCOUNT,
          conversation: { id: 'abcd1234', name: "conversation's name" },
          text: 'answer **1**',
          textFormat: 'markdown',
        },
      },
    ]);
    expect(reports).toEqual([
      {
        command: 'receivingStatusDelivery',
        connector: 'botframework.webchat',
        data: {
          im: { chat_id: '10', message_id: '101' },
          message: { id: ['activity-1'] },
          chat: { id: 'abcd1234' },
        },
      },
    ]);
  });

  it('should update and delete the activity the portal names, with files as attachments', async () => {
    const file = { url: 'https://portal.example/f/1', name: 'a.pdf', size: 10, type: 'application/pdf' };
    await call('updateMessage', [item(1, { id: ['activity-7'], text: 'changed', files: [file] })]);
    await call('deleteMessage', [item(1, { id: ['activity-7'] })]);
    const reports = await deliver();

    expect(f.bf.calls.map((c) => [c.method, c.path])).toEqual([
      ['PUT', '/amer/v3/conversations/abcd1234/activities/activity-7'],
      ['DELETE', '/amer/v3/conversations/abcd1234/activities/activity-7'],
    ]);
    expect(f.bf.calls[0].body).toMatchObject({
      type: 'message',
      id: 'activity-7',
      text: 'changed',
      attachments: [{ contentType: 'application/pdf', contentUrl: file.url, name: 'a.pdf' }],
    });
    expect(f.bf.calls[1].body).toBeNull();
    expect(reports.map((r) => r.command)).toEqual(['receivingStatusDelivery']);
  });

  it('should keep the token until shortly before it expires, then get a new one', async () => {
    await call('sendMessage', [item(1), item(2)]);
    await deliver();
    expect(f.bf.tokenRequests).toHaveLength(1);

    f.server.clock.advance(3600_000 - 5 * 60_000 - 1000);
    await call('sendMessage', [item(3)]);
    await deliver();
    expect(f.bf.tokenRequests).toHaveLength(1);

    f.server.clock.advance(2000);
    await call('sendMessage', [item(4)]);
    await deliver();
    expect(f.bf.tokenRequests).toHaveLength(2);
    expect(f.bf.tokenRequests[0]).toEqual({
      grant_type: 'client_credentials',
      client_id: APP_ID,
      client_secret: 'bot-client-secret',
      scope: 'https://api.botframework.com/.default',
    });
    expect(f.bf.calls).toHaveLength(4);
  });

  it('should get a new token once when the Bot Connector answers 401', async () => {
    await call('sendMessage', [item(1)]);
    await deliver();
    f.bf.revokeTokens();

    await call('sendMessage', [item(2)]);
    const reports = await deliver();
    expect(f.bf.tokenRequests).toHaveLength(2);
    expect(f.bf.calls).toHaveLength(2);
    expect(reports.map((r) => r.command)).toEqual(['receivingStatusDelivery', 'receivingStatusDelivery']);
  });

  it.each([429, 503])('should retry later when the Bot Connector answers %i', async (status) => {
    f.bf.failNext.push(status);
    await call('sendMessage', [item(1)]);
    expect(await deliver()).toEqual([]);
    expect(f.bf.calls).toHaveLength(0);

    f.server.clock.advance(10_000);
    const reports = await deliver();
    expect(f.bf.calls).toHaveLength(1);
    expect(reports.map((r) => r.command)).toEqual(['receivingStatusDelivery']);
  });

  it('should report a refusal of the Bot Connector as an error of the item', async () => {
    f.bf.failNext.push(404);
    await call('sendMessage', [item(1)]);
    expect(await deliver()).toEqual([
      {
        command: 'receivingError',
        connector: 'botframework.webchat',
        data: expect.objectContaining({ code: 'HTTP_404', im: { chat_id: '10', message_id: '101' } }),
      },
    ]);
  });

  it.each([
    ['another service URL', { service_url: 'http://127.0.0.1:9/elsewhere/' }],
    [
      'another conversation',
      () => ({ conversation: { ...(address.conversation as object), id: 'other-conversation' } }),
    ],
    ['no seal', () => ({ conversation: { id: 'abcd1234' } })],
  ])('should call nothing for %s than a verified activity named', async (_name, change) => {
    const message = typeof change === 'function' ? change() : change;
    await call('sendMessage', [item(1, message)]);
    const reports = await deliver();
    expect(f.bf.calls).toEqual([]);
    expect(f.bf.tokenRequests).toEqual([]);
    expect(reports).toEqual([
      {
        command: 'receivingError',
        connector: 'botframework.webchat',
        data: expect.objectContaining({
          code: expect.stringMatching(/^(SERVICE_URL_NOT_ALLOWED|NO_CONVERSATION)$/),
        }),
      },
    ]);
  });
});
