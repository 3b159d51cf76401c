import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('receivingStatusDelivery')
export class ReceivingStatusDeliveryHandler implements OlpCommandHandler<'receivingStatusDelivery'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({
    connector,
    line,
    data,
  }: CommandPacket<'receivingStatusDelivery'>): Promise<{ received: number }> {
    await this.events.emit('OnReceivedStatusDelivery', { connector, line, items: data });
    return { received: data.length };
  }
}
