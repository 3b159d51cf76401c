/** The real (channel) id of the Microsoft Bot Framework connector. */
export const BOTFRAMEWORK = 'botframework';

/**
 * Whether a (possibly virtual) connector id is the Bot Framework one: `botframework` itself or a
 * virtual connector on it such as `botframework.skype`.
 */
export function isBotframeworkConnector(connector: string): boolean {
  return connector === BOTFRAMEWORK || connector.startsWith(`${BOTFRAMEWORK}.`);
}

/**
 * What the portal needs to answer a Bot Framework chat, stored ready to send: the reply goes
 * `from` the bot (the incoming message's `recipient`) `to` the customer (its `from`), in the same
 * `conversation`, through the same `service_url`.
 */
export interface BotframeworkSenderData {
  from?: unknown;
  recipient?: unknown;
  service_url?: unknown;
  conversation?: unknown;
}
