import type { TgMessage, TgUpdate } from '../../src/server/connectors/telegram/telegram.types.js';

/** A bot token shaped as BotFather issues them. */
export const botToken = (botId = 123456789) => `${botId}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw`;

/** The customer of the Bot API documentation's examples. */
export const tgCustomer = {
  id: 1111111,
  is_bot: false,
  first_name: 'Ada',
  last_name: 'Lovelace',
  username: 'ada_l',
  language_code: 'en',
};

/** A private-chat message as the Bot API sends it in an Update; fields override. */
export function tgMessage(overrides: Partial<TgMessage> = {}): TgMessage {
  return {
    message_id: 1365,
    from: tgCustomer,
    chat: { id: 1111111, first_name: 'Ada', last_name: 'Lovelace', username: 'ada_l', type: 'private' },
    date: 1_767_225_600,
    text: 'Hello',
    ...overrides,
  };
}

let nextUpdateId = 10_000;

/** An Update carrying a new message (or, with `edited`, an edit). */
export function tgUpdate(
  message: Partial<TgMessage> = {},
  opts: { edited?: boolean; updateId?: number } = {},
): TgUpdate {
  const update_id = opts.updateId ?? nextUpdateId++;
  return opts.edited
    ? { update_id, edited_message: tgMessage({ edit_date: 1_767_225_700, ...message }) }
    : { update_id, message: tgMessage(message) };
}
