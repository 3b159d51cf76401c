import { BOTFRAMEWORK_CONNECTOR } from './botframework/botframework.definition.js';
import type { ConnectorDefinition } from './connector.js';
import { liveChatDefinition } from './livechat/livechat.connector.js';
import { telegramConnector } from './telegram/telegram.connector.js';

/**
 * The channels this build serves. Telegram, Bot Framework (with its virtual channels) and live
 * chat are added here as each connector lands in `connectors/<channel>/`.
 */
export const BUILT_IN_CONNECTORS: ConnectorDefinition[] = [
  telegramConnector,
  BOTFRAMEWORK_CONNECTOR,
  liveChatDefinition,
];
