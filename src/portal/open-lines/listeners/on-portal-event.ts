import { OnEvent } from '@nestjs/event-emitter';
import type { PortalEventMap, PortalEventName } from '../../events/events.js';

/**
 * Subscribes a method to one portal event, checking at compile time that it takes that
 * event's payload. Errors are not suppressed (the library's default swallows them):
 * PortalEvents.emit awaits every listener, and a throw makes the inbox retry the item.
 */
export function OnPortalEvent<E extends PortalEventName>(name: E) {
  const subscribe = OnEvent(name, { async: true, promisify: true, suppressErrors: false });
  return <T extends (payload: PortalEventMap[E]) => Promise<void>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): void => {
    subscribe(target, key, descriptor);
  };
}
