import { Clock } from '../../../common/clock.js';
import { ServerConfig } from '../../config.js';
import type { ConnectorDefinition } from '../connector.js';
import { ActivityAuth } from './activity-auth.js';
import { BOTFRAMEWORK, BotframeworkConnector, type BotframeworkServices } from './botframework.connector.js';
import { ConnectorApi } from './connector-api.js';
import { ServiceUrlSeal } from './service-url-seal.js';
import { BotTokenClient } from './token-client.js';

/** One set of services per server (tests run several in one process): the key set and token caches. */
const servicesByConfig = new WeakMap<ServerConfig, BotframeworkServices>();

function servicesFor(config: ServerConfig, clock: Clock): BotframeworkServices {
  let services = servicesByConfig.get(config);
  if (!services) {
    const tokens = new BotTokenClient(config.botframework.tokenUrl, clock);
    services = {
      auth: new ActivityAuth(config.botframework.openIdMetadataUrl, clock),
      tokens,
      api: new ConnectorApi(tokens),
      seal: new ServiceUrlSeal(config.serverKey),
      clock,
    };
    servicesByConfig.set(config, services);
  }
  return services;
}

/** `botframework`, with its channels (`botframework.msteams`, `botframework.webchat`, ...) as virtual ids. */
export const BOTFRAMEWORK_CONNECTOR: ConnectorDefinition = {
  id: BOTFRAMEWORK,
  virtualChannels: true,
  create: (_channel, context) =>
    new BotframeworkConnector(servicesFor(context.get(ServerConfig), context.get(Clock))),
};
