import { type DynamicModule, Module } from '@nestjs/common';
import { CONNECTOR_DEFINITIONS, type ConnectorDefinition } from './connector.js';
import { ConnectorFactory } from './connector-factory.js';

/** The connector factory with the channels this process serves. */
@Module({})
export class ConnectorsModule {
  static forDefinitions(definitions: ConnectorDefinition[]): DynamicModule {
    return {
      module: ConnectorsModule,
      global: true,
      providers: [{ provide: CONNECTOR_DEFINITIONS, useValue: definitions }, ConnectorFactory],
      exports: [ConnectorFactory],
    };
  }
}
