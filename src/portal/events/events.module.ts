import { Global, Module } from '@nestjs/common';
import { PortalEvents } from './portal-events.js';

@Global()
@Module({ providers: [PortalEvents], exports: [PortalEvents] })
export class EventsModule {}
