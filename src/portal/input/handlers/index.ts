import { DeactivateConnectorHandler } from './deactivate-connector.handler.js';
import { ReceivingErrorHandler } from './receiving-error.handler.js';
import { ReceivingMessageHandler } from './receiving-message.handler.js';
import { ReceivingStatusBlockHandler } from './receiving-status-block.handler.js';
import { ReceivingStatusDeliveryHandler } from './receiving-status-delivery.handler.js';
import { ReceivingStatusReadingHandler } from './receiving-status-reading.handler.js';
import { SetChatNameHandler } from './set-chat-name.handler.js';
import { TestConnectHandler } from './test-connect.handler.js';

/** One handler per server-to-portal command; adding a command is adding a file and a line here. */
export const INPUT_HANDLERS = [
  TestConnectHandler,
  ReceivingMessageHandler,
  ReceivingStatusDeliveryHandler,
  ReceivingStatusReadingHandler,
  ReceivingErrorHandler,
  DeactivateConnectorHandler,
  ReceivingStatusBlockHandler,
  SetChatNameHandler,
];
