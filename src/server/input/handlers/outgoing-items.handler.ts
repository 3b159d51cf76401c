import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { outgoingSchema } from '../../../protocol/index.js';
import { OutboundService, type ItemMethod } from '../../outbound/outbound.service.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { accepted, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([z.array(outgoingSchema).min(1).max(1000)]);

/** sendMessage, updateMessage and deleteMessage: fire-and-forget, 202 once the call is stored. */
@Injectable()
abstract class OutgoingItemsHandler implements OlpMethodHandler<typeof args> {
  abstract readonly method: ItemMethod;
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly outbound: OutboundService,
  ) {}

  async execute(packet: VerifiedPacket, [items]: z.output<typeof args>): Promise<OlpAnswer> {
    const row = await this.connectorLines.row(packet);
    await this.outbound.storeItems(row.id, this.method, items);
    return accepted({ accepted: items.length });
  }
}

@Injectable()
export class SendMessageHandler extends OutgoingItemsHandler {
  readonly method = 'sendMessage';
}

@Injectable()
export class UpdateMessageHandler extends OutgoingItemsHandler {
  readonly method = 'updateMessage';
}

@Injectable()
export class DeleteMessageHandler extends OutgoingItemsHandler {
  readonly method = 'deleteMessage';
}
