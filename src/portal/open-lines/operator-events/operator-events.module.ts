import { Module } from '@nestjs/common';
import { OpenLinesModule } from '../open-lines.module.js';
import { OperatorEventsListener } from './operator-events.listener.js';
import { OperatorEventsNotifier } from './operator-events.notifier.js';
import { OperatorEventsPurger } from './operator-events.purger.js';
import { OperatorEventsRepository } from './operator-events.repository.js';
import { OperatorEventsWriter } from './operator-events.writer.js';
import { OperatorStreamHub } from './operator-stream.hub.js';

/**
 * Stored operator-facing events (table operator_events) and the per-process hub that follows
 * them for stream clients. Other rooms append through OperatorEventsWriter.
 */
@Module({
  imports: [OpenLinesModule],
  providers: [
    OperatorEventsRepository,
    OperatorEventsNotifier,
    OperatorEventsWriter,
    OperatorStreamHub,
    OperatorEventsListener,
    OperatorEventsPurger,
  ],
  exports: [OperatorEventsWriter, OperatorStreamHub, OperatorEventsPurger],
})
export class OperatorEventsModule {}
