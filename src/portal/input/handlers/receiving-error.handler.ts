import { Injectable } from '@nestjs/common';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';
import { StatusIntake } from './status-intake.js';

/** The channel could not deliver operators' messages. Stored in the inbox first, applied from there (StatusIntake). */
@Injectable()
@OlpCommand('receivingError')
export class ReceivingErrorHandler implements OlpCommandHandler<'receivingError'> {
  constructor(private readonly intake: StatusIntake) {}

  handle(packet: CommandPacket<'receivingError'>): Promise<{ received: number }> {
    return this.intake.store(packet);
  }
}
