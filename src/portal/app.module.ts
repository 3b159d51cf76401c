import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ApiModule } from './api/api.module.js';
import { PortalConfig } from './config.js';
import { EventsModule } from './events/events.module.js';
import { HealthController } from '../common/health.js';
import { Metrics, METRICS_TOKEN, MetricsController } from '../common/metrics.js';
import { InputModule } from './input/input.module.js';
import { OpenLinesModule } from './open-lines/open-lines.module.js';
import { RoutingModule } from './open-lines/routing/routing.module.js';
import { OutputModule } from './output/output.module.js';
import { PipelinesModule } from './pipelines/pipelines.module.js';
import { StorageModule } from './storage/storage.module.js';

@Module({})
export class AppModule {
  static forConfig(config: PortalConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        EventEmitterModule.forRoot({ wildcard: false }),
        StorageModule,
        EventsModule,
        OutputModule,
        PipelinesModule,
        OpenLinesModule,
        RoutingModule,
        InputModule,
        ApiModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PortalConfig, useValue: config },
        Metrics,
        { provide: METRICS_TOKEN, useValue: config.metricsToken },
      ],
      exports: [PortalConfig, Metrics],
    };
  }
}
