import { Injectable } from '@nestjs/common';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';
import { StatusIntake } from './status-intake.js';

/** The channel delivered operators' messages. Stored in the inbox first, applied from there (StatusIntake). */
@Injectable()
@OlpCommand('receivingStatusDelivery')
export class ReceivingStatusDeliveryHandler implements OlpCommandHandler<'receivingStatusDelivery'> {
  constructor(private readonly intake: StatusIntake) {}

  handle(packet: CommandPacket<'receivingStatusDelivery'>): Promise<{ received: number }> {
    return this.intake.store(packet);
  }
}
