import { Injectable } from '@nestjs/common';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';
import { StatusIntake } from './status-intake.js';

/** The customer read operators' messages. Stored in the inbox first, applied from there (StatusIntake). */
@Injectable()
@OlpCommand('receivingStatusReading')
export class ReceivingStatusReadingHandler implements OlpCommandHandler<'receivingStatusReading'> {
  constructor(private readonly intake: StatusIntake) {}

  handle(packet: CommandPacket<'receivingStatusReading'>): Promise<{ received: number }> {
    return this.intake.store(packet);
  }
}
