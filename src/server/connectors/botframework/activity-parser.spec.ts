import { describe, expect, it } from '@jest/globals';
import {
  BOT_ACCOUNT,
  conversationUpdateActivity,
  messageActivity,
  messageDeleteActivity,
  typingActivity,
  USER_ACCOUNT,
} from '../../../../test/factories/botframework-activity.factory.js';
import type { OlpMessage } from '../../../protocol/index.js';
import { HookRejected } from '../connector.js';
import { activitySchema } from './activity.js';
import { parseActivity } from './activity-parser.js';

const serviceUrl = 'https://smba.trafficmanager.net/amer/';
const ctx = { now: 1_767_225_600, seal: 'seal' };
const parse = (raw: Record<string, unknown>) => parseActivity(activitySchema.parse(raw), ctx);
const messages = (raw: Record<string, unknown>) => parse(raw).items.map((i) => i.item as OlpMessage);

describe(parseActivity.name, () => {
  it('should name the virtual channel by the lower-cased channelId', () => {
    expect(parse(messageActivity({ serviceUrl, channelId: 'MsTeams' })).channel).toBe('msteams');
  });

  it('should carry from, recipient, service_url and the sealed conversation in the message', () => {
    const [message] = messages(messageActivity({ serviceUrl }));
    expect(message.message).toMatchObject({
      from: USER_ACCOUNT,
      recipient: BOT_ACCOUNT,
      service_url: serviceUrl,
      conversation: { id: 'abcd1234', name: "conversation's name", switchboard_seal: 'seal' },
    });
  });

  it('should date an activity without a usable timestamp now', () => {
    const [message] = messages(messageActivity({ serviceUrl, timestamp: 'yesterday' }));
    expect(message.message.date).toBe(ctx.now);
  });

  it('should keep only web links of attachments as files', () => {
    const [message] = messages(
      messageActivity({
        serviceUrl,
        attachments: [
          { contentType: 'image/png', contentUrl: 'data:image/png;base64,AAAA' },
          { contentType: 'image/png', contentUrl: 'https://example.com/a.png' },
        ],
      }),
    );
    expect(message.message.files).toEqual([{ url: 'https://example.com/a.png', type: 'image/png' }]);
  });

  it('should give a message without files or text neither field', () => {
    const [message] = messages({ ...messageActivity({ serviceUrl }), text: undefined });
    expect(message.message).not.toHaveProperty('text');
    expect(message.message).not.toHaveProperty('files');
  });

  it('should start a conversation for each member added but the bot, and for none removed', () => {
    const added = { id: 'second-user', name: 'Second' };
    const started = messages(
      conversationUpdateActivity({ serviceUrl, id: 'cu1', membersAdded: [BOT_ACCOUNT, USER_ACCOUNT, added] }),
    );
    expect(started.map((m) => [m.type_message, m.user.id, m.message.id])).toEqual([
      ['command_start', USER_ACCOUNT.id, `cu1:start:${USER_ACCOUNT.id}`],
      ['command_start', added.id, `cu1:start:${added.id}`],
    ]);
    expect(started[1].message.from).toEqual(added);
    expect(
      messages(conversationUpdateActivity({ serviceUrl, membersAdded: [], membersRemoved: [USER_ACCOUNT] })),
    ).toEqual([]);
  });

  it.each(['event', 'invoke', 'installationUpdate', 'endOfConversation', 'messageReaction'])(
    'should make nothing of a %s activity',
    (type) => {
      expect(parse({ ...typingActivity({ serviceUrl }), type }).items).toEqual([]);
    },
  );

  it('should refuse a message without from or id', () => {
    expect(() => parse({ ...messageActivity({ serviceUrl }), from: undefined })).toThrow(HookRejected);
    expect(() => parse({ ...messageDeleteActivity({ serviceUrl }), id: undefined })).toThrow(HookRejected);
  });
});
