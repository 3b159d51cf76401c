import { Injectable } from '@nestjs/common';
import { type CommandPacket, OlpCommand, type OlpCommandHandler } from '../router/olp-command.js';
import { StatusIntake } from './status-intake.js';

/** Customers blocked the bot in their chats. Stored in the inbox first, applied from there (StatusIntake). */
@Injectable()
@OlpCommand('receivingStatusBlock')
export class ReceivingStatusBlockHandler implements OlpCommandHandler<'receivingStatusBlock'> {
  constructor(private readonly intake: StatusIntake) {}

  handle(packet: CommandPacket<'receivingStatusBlock'>): Promise<{ received: number }> {
    return this.intake.store(packet);
  }
}
