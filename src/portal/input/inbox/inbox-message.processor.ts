import { Injectable } from '@nestjs/common';
import type { PortalEventName, ReceivedMessagePayload } from '../../events/events.js';
import { PortalEvents } from '../../events/portal-events.js';
import type { MessageContext } from '../../pipelines/pipeline.js';
import { PipelineRunner } from '../../pipelines/pipeline-runner.js';
import { messageSchema, type OlpMessage, type TypeMessage } from '../../../protocol/index.js';
import { isInboxStatusType } from './inbox-status.js';
import { InboxStatusProcessor } from './inbox-status.processor.js';
import type { InboxRow } from './inbox.repository.js';

/** The event each type_message fires once its pipeline ran (the seed's names). */
const EVENT_OF_TYPE = {
  message: 'OnReceivedMessage',
  message_update: 'OnReceivedMessageUpdate',
  message_del: 'OnReceivedMessageDel',
  typing_start: 'OnReceivedStatusWrites',
  command_start: 'OnReceivedCommandStart',
} as const satisfies Record<TypeMessage, PortalEventName>;

/**
 * Runs one inbox row through the receiving pipeline and fires its event; a status row goes to
 * its own event instead (InboxStatusProcessor). Throws when any of it fails.
 */
@Injectable()
export class InboxMessageProcessor {
  constructor(
    private readonly pipeline: PipelineRunner,
    private readonly events: PortalEvents,
    private readonly statuses: InboxStatusProcessor,
  ) {}

  async process(row: InboxRow): Promise<void> {
    if (isInboxStatusType(row.typeMessage)) return this.statuses.process(row, row.typeMessage);
    const message = parseStored(row);
    const ctx: MessageContext = {
      connector: row.connector,
      line: row.line,
      inboxId: row.id,
      message,
      text: message.message.text ?? '',
      fileIds: [],
      fileErrors: [],
    };
    await this.pipeline.run(ctx);
    if (ctx.userId === undefined) {
      throw new Error(
        'the pipeline left the customer unresolved (no userId): is the user-sync step registered?',
      );
    }
    const payload: ReceivedMessagePayload = {
      connector: ctx.connector,
      line: ctx.line,
      inboxId: ctx.inboxId,
      userId: ctx.userId,
      text: ctx.text,
      fileIds: ctx.fileIds,
      fileErrors: ctx.fileErrors,
      message,
    };
    await this.events.emit(EVENT_OF_TYPE[message.type_message], payload);
  }
}

/** The payload was validated before it was stored; a row that no longer parses was damaged since. */
function parseStored(row: InboxRow): OlpMessage {
  const parsed = messageSchema.safeParse(JSON.parse(row.payload));
  if (!parsed.success) {
    throw new Error(`stored payload of inbox row ${row.id} is not an OLP message: ${parsed.error.message}`);
  }
  return parsed.data;
}
