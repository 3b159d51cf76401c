import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('receivingError')
export class ReceivingErrorHandler implements OlpCommandHandler<'receivingError'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({ connector, line, data }: CommandPacket<'receivingError'>): Promise<{ received: number }> {
    await this.events.emit('OnReceivedError', { connector, line, items: data });
    return { received: data.length };
  }
}
