import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('receivingStatusReading')
export class ReceivingStatusReadingHandler implements OlpCommandHandler<'receivingStatusReading'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({
    connector,
    line,
    data,
  }: CommandPacket<'receivingStatusReading'>): Promise<{ received: number }> {
    await this.events.emit('OnReceivedStatusReading', { connector, line, items: data });
    return { received: data.length };
  }
}
