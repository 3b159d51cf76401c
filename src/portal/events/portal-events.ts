import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { PortalEventMap, PortalEventName } from './events.js';

/**
 * Thin typed wrapper over EventEmitter2. `emit` awaits every listener, so a failing
 * listener fails the inbox item that fired it and the item is retried.
 */
@Injectable()
export class PortalEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  async emit<E extends PortalEventName>(name: E, payload: PortalEventMap[E]): Promise<void> {
    await this.emitter.emitAsync(name, payload);
  }
}
