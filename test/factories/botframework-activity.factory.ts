/** Bot Framework Activities shaped like the Bot Connector API reference's examples. */
export interface ActivityOptions {
  serviceUrl: string;
  channelId?: string;
  conversationId?: string;
  id?: string;
  [field: string]: unknown;
}

/** The bot, as the Bot Connector names it in `recipient`. */
export const BOT_ACCOUNT = { id: '12345678', name: "bot's name" };
/** The customer, in `from`. */
export const USER_ACCOUNT = { id: '1234abcd', name: "user's name" };

function base(type: string, opts: ActivityOptions): Record<string, unknown> {
  const {
    serviceUrl,
    channelId = 'webchat',
    conversationId = 'abcd1234',
    id = 'bf3cc9a2f5de...',
    ...rest
  } = opts;
  return {
    type,
    id,
    timestamp: '2016-10-19T20:17:52.2891902Z',
    localTimestamp: '2016-10-19T13:17:52.2891902-07:00',
    serviceUrl,
    channelId,
    from: USER_ACCOUNT,
    conversation: { id: conversationId, name: "conversation's name" },
    recipient: BOT_ACCOUNT,
    locale: 'en-US',
    ...rest,
  };
}

export const messageActivity = (opts: ActivityOptions & { text?: string }) =>
  base('message', { text: 'Haircut on Saturday', textFormat: 'plain', ...opts });

export const messageUpdateActivity = (opts: ActivityOptions & { text?: string }) =>
  base('messageUpdate', { text: 'Haircut on Sunday', textFormat: 'plain', ...opts });

export const messageDeleteActivity = (opts: ActivityOptions) => base('messageDelete', opts);

export const typingActivity = (opts: ActivityOptions) => base('typing', opts);

export const conversationUpdateActivity = (opts: ActivityOptions & { membersAdded?: unknown[] }) =>
  base('conversationUpdate', { membersAdded: [BOT_ACCOUNT, USER_ACCOUNT], ...opts });
