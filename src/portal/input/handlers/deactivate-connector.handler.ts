import { Injectable } from '@nestjs/common';
import { PortalEvents } from '../../events/portal-events.js';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';

@Injectable()
@OlpCommand('deactivateConnector')
export class DeactivateConnectorHandler implements OlpCommandHandler<'deactivateConnector'> {
  constructor(private readonly events: PortalEvents) {}

  async handle({ connector, line, data }: CommandPacket<'deactivateConnector'>): Promise<{ result: 'OK' }> {
    // An empty reason is passed on as such: the listener words the alert for a missing one.
    await this.events.emit('OnConnectorDeactivated', { connector, line, reason: data?.reason ?? '' });
    return { result: 'OK' };
  }
}
