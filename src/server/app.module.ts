import { type DynamicModule, Module } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { BUILT_IN_CONNECTORS } from './connectors/built-in.js';
import type { ConnectorDefinition } from './connectors/connector.js';
import { ConnectorsModule } from './connectors/connectors.module.js';
import { ServerConfig } from './config.js';
import { HealthController } from '../common/health.js';
import { HooksModule } from './hooks/hooks.module.js';
import { LiveChatModule } from './connectors/livechat/livechat.module.js';
import { InputModule } from './input/input.module.js';
import { LinesModule } from './lines/lines.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { DefaultPortalRegistration } from './portals/default-portal.js';
import { PortalsModule } from './portals/portals.module.js';
import { QueueModule } from './queue/queue.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TelegramModule } from './connectors/telegram/telegram.module.js';
import { Wakeup } from './workers/wakeup.js';
import { WorkersModule } from './workers/workers.module.js';

export interface ServerAppOptions {
  /** The channels served; the built-in ones by default. Tests register their own. */
  connectors?: ConnectorDefinition[];
  /** The source of time; tests pass a ManualClock. */
  clock?: Clock;
}

/** What every server context (the app, the command line) shares: configuration, time, storage. */
function coreProviders(config: ServerConfig, clock: Clock) {
  return [{ provide: ServerConfig, useValue: config }, { provide: Clock, useValue: clock }, Wakeup];
}

@Module({})
export class ServerAppModule {
  static forConfig(config: ServerConfig, opts: ServerAppOptions = {}): DynamicModule {
    return {
      module: ServerAppModule,
      global: true,
      imports: [
        StorageModule,
        ConnectorsModule.forDefinitions(opts.connectors ?? BUILT_IN_CONNECTORS),
        PortalsModule,
        LinesModule,
        QueueModule,
        OutboundModule,
        InputModule,
        HooksModule,
        LiveChatModule,
        WorkersModule,
        TelegramModule,
      ],
      controllers: [HealthController],
      providers: [...coreProviders(config, opts.clock ?? new Clock()), DefaultPortalRegistration],
      exports: [ServerConfig, Clock, Wakeup],
    };
  }
}

/** The command line's context: the registry and the dead letters, no HTTP and no workers. */
@Module({})
export class ServerCliModule {
  static forConfig(config: ServerConfig): DynamicModule {
    return {
      module: ServerCliModule,
      global: true,
      imports: [StorageModule, PortalsModule, QueueModule],
      providers: coreProviders(config, new Clock()),
      exports: [ServerConfig, Clock, Wakeup],
    };
  }
}
