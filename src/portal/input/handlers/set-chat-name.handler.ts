import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('setChatName')
export class SetChatNameHandler implements OlpCommandHandler<'setChatName'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({ connector, line, data }: CommandPacket<'setChatName'>): Promise<{ received: number }> {
    const items = data.map((item) => ({ chatId: item.chat.id, name: item.name }));
    await this.events.emit('OnNewChatName', { connector, line, items });
    return { received: items.length };
  }
}
