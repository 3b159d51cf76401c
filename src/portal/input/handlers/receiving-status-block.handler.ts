import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('receivingStatusBlock')
export class ReceivingStatusBlockHandler implements OlpCommandHandler<'receivingStatusBlock'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({
    connector,
    line,
    data,
  }: CommandPacket<'receivingStatusBlock'>): Promise<{ received: number }> {
    const items = data.map((item) => ({ chatId: item.chat.id, userId: item.user.id }));
    await this.events.emit('OnReceivedStatusBlock', { connector, line, items });
    return { received: items.length };
  }
}
