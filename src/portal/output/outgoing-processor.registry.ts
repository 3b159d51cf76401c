import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { OUTGOING_PROCESSORS, type OutgoingProcessor } from './outgoing-processor.js';

function isProcessor(value: unknown): value is OutgoingProcessor {
  const p = value as Partial<OutgoingProcessor> | null;
  return typeof p?.matches === 'function' && typeof p.process === 'function';
}

/**
 * Every OutgoingProcessor of the app. Nest has no multi-providers, so OUTGOING_PROCESSORS is
 * collected from every module: each module that provides that token (one processor or an array)
 * contributes, and OutputModule's own empty default contributes nothing. A processor module thus
 * only declares `{ provide: OUTGOING_PROCESSORS, useExisting: MyProcessor }` and need not be
 * imported by the output room (which sits downstream of it).
 */
@Injectable()
export class OutgoingProcessorRegistry implements OnModuleInit {
  private processors: OutgoingProcessor[] = [];

  constructor(private readonly discovery?: DiscoveryService) {}

  /** A registry with a fixed list, for tests and scripts without a Nest container. */
  static of(processors: OutgoingProcessor[]): OutgoingProcessorRegistry {
    const registry = new OutgoingProcessorRegistry();
    registry.processors = [...processors];
    return registry;
  }

  // Runs after every module's providers exist, so all contributions are instantiated by now.
  onModuleInit(): void {
    if (!this.discovery) return;
    const found = new Set<OutgoingProcessor>();
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.token !== OUTGOING_PROCESSORS) continue;
      const value: unknown = wrapper.instance;
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (!isProcessor(item)) {
          throw new Error(`a provider of OUTGOING_PROCESSORS is not an OutgoingProcessor: ${String(item)}`);
        }
        found.add(item);
      }
    }
    this.processors = [...found];
  }

  /** The processors that handle this connector, in registration order. */
  for(connector: string): OutgoingProcessor[] {
    return this.processors.filter((p) => p.matches(connector));
  }
}
