import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { Origin } from '../../events/events.js';
import { PortalEvents } from '../../events/portal-events.js';
import { blockItemSchema, errorItemSchema, statusItemSchema } from '../../../protocol/index.js';
import type { InboxStatusCommand } from './inbox-status.js';
import type { InboxRow } from './inbox.repository.js';

/** Applies one stored status item by firing its command's event; throws when any of it fails. */
@Injectable()
export class InboxStatusProcessor {
  constructor(private readonly events: PortalEvents) {}

  async process(row: InboxRow, command: InboxStatusCommand): Promise<void> {
    const origin: Origin = { connector: row.connector, line: row.line };
    switch (command) {
      case 'receivingStatusDelivery':
        return this.events.emit('OnReceivedStatusDelivery', {
          ...origin,
          items: [parseStored(row, statusItemSchema)],
        });
      case 'receivingStatusReading':
        return this.events.emit('OnReceivedStatusReading', {
          ...origin,
          items: [parseStored(row, statusItemSchema)],
        });
      case 'receivingError':
        return this.events.emit('OnReceivedError', { ...origin, items: [parseStored(row, errorItemSchema)] });
      case 'receivingStatusBlock': {
        const item = parseStored(row, blockItemSchema);
        return this.events.emit('OnReceivedStatusBlock', {
          ...origin,
          items: [{ chatId: item.chat.id, userId: item.user.id }],
        });
      }
    }
  }
}

/** The item was validated before it was stored; a row that no longer parses was damaged since. */
function parseStored<T>(row: InboxRow, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(row.payload));
  if (!parsed.success) {
    throw new Error(
      `stored payload of inbox row ${row.id} is not a ${row.typeMessage} item: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}
