import { Injectable } from '@nestjs/common';
import { OperatorEventsRepository, type NewOperatorEvent } from './operator-events.repository.js';
import { OperatorStreamHub } from './operator-stream.hub.js';

/** Appends operator events and wakes this process's stream; other processes find them by polling. */
@Injectable()
export class OperatorEventsWriter {
  constructor(
    private readonly events: OperatorEventsRepository,
    private readonly hub: OperatorStreamHub,
  ) {}

  /** The stored event's id, or null when its dedupe key was stored before. */
  async record(event: NewOperatorEvent): Promise<number | null> {
    const id = await this.events.append(event);
    if (id !== null) this.hub.notify();
    return id;
  }
}
