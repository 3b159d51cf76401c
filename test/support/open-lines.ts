import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventsModule } from '../../src/portal/events/events.module.js';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { OpenLinesModule } from '../../src/portal/open-lines/open-lines.module.js';
import { openTestStorage, type TestStorage } from './database-module.js';

export interface OpenLinesHarness {
  moduleRef: TestingModule;
  events: PortalEvents;
  storage: TestStorage;
  close(): Promise<void>;
}

/** OpenLinesModule with its listeners subscribed, on a real database of the suite's provider. */
export async function startOpenLines(): Promise<OpenLinesHarness> {
  const storage = await openTestStorage();
  const moduleRef = await Test.createTestingModule({
    imports: [EventEmitterModule.forRoot(), storage.module, EventsModule, OpenLinesModule],
  }).compile();
  // init() runs the bootstrap hook in which the event emitter module subscribes listeners.
  await moduleRef.init();
  return {
    moduleRef,
    events: moduleRef.get(PortalEvents),
    storage,
    close: async () => {
      await moduleRef.close();
      await storage.close();
    },
  };
}
