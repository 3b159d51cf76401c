import { Module } from '@nestjs/common';
import { OUTGOING_PROCESSORS } from '../output/outgoing-processor.js';
import { BotframeworkOutgoingProcessor } from './botframework-outgoing.processor.js';
import { BotframeworkSendersRepository } from './botframework-senders.repository.js';

/**
 * Bot Framework channel data: the senders repository (written by the pipelines' botframework step)
 * and the outgoing processor that reads it. The processor is contributed under OUTGOING_PROCESSORS,
 * which the Output room's registry collects from every module.
 */
@Module({
  providers: [
    BotframeworkSendersRepository,
    BotframeworkOutgoingProcessor,
    { provide: OUTGOING_PROCESSORS, useExisting: BotframeworkOutgoingProcessor },
  ],
  exports: [BotframeworkSendersRepository, BotframeworkOutgoingProcessor],
})
export class BotframeworkModule {}
