import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  CONNECTOR_DEFINITIONS,
  type Connector,
  type ConnectorContext,
  type ConnectorDefinition,
} from './connector.js';

/** A connector id: a real channel, or `<real>.<channel>` for a virtual one. */
export const CONNECTOR_ID = /^[a-z0-9_-]{1,64}(\.[a-z0-9_-]{1,64})?$/i;

export interface ResolvedConnector {
  connector: Connector;
  /** The virtual channel, or null on a real one. */
  channel: string | null;
}

/** Builds connectors by id from the registered definitions, once per full id. */
@Injectable()
export class ConnectorFactory {
  private readonly definitions = new Map<string, ConnectorDefinition>();
  private readonly built = new Map<string, ResolvedConnector>();

  private readonly context: ConnectorContext;

  constructor(
    @Inject(CONNECTOR_DEFINITIONS) definitions: ConnectorDefinition[],
    @Optional() moduleRef?: ModuleRef,
  ) {
    this.context = {
      get: (type) => {
        if (!moduleRef) throw new Error('this connector factory has no container to build connectors from');
        return moduleRef.get(type, { strict: false });
      },
    };
    for (const def of definitions) {
      if (!CONNECTOR_ID.test(def.id) || def.id.includes('.')) {
        throw new Error(`connector definition id "${def.id}" must be a real channel id without a dot`);
      }
      if (this.definitions.has(def.id)) throw new Error(`connector "${def.id}" is registered twice`);
      this.definitions.set(def.id, def);
    }
  }

  /** The connector serving `id`, or undefined when no registered definition serves it. */
  resolve(id: string): ResolvedConnector | undefined {
    const cached = this.built.get(id);
    if (cached) return cached;
    if (!CONNECTOR_ID.test(id)) return undefined;
    const dot = id.indexOf('.');
    const real = dot < 0 ? id : id.slice(0, dot);
    const channel = dot < 0 ? null : id.slice(dot + 1);
    const def = this.definitions.get(real);
    if (!def || (channel !== null && !def.virtualChannels)) return undefined;
    const resolved = { connector: def.create(channel, this.context), channel };
    this.built.set(id, resolved);
    return resolved;
  }

  /** Ids of the registered real channels. */
  ids(): string[] {
    return [...this.definitions.keys()];
  }
}
