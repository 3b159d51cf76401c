import { Module } from '@nestjs/common';
import { BotframeworkModule } from '../botframework/botframework.module.js';
import { FilesModule } from '../files/files.module.js';
import { AttachmentsStep } from './attachments/attachments.step.js';
import { BotframeworkStep } from './botframework/botframework.step.js';
import { EmojiCatalog } from './emoji/emoji-catalog.js';
import { EmojiStep } from './emoji/emoji.step.js';
import { FileDownloadStep } from './file-download/file-download.step.js';
import type { PipelineStep } from './pipeline.js';
import { PIPELINE_STEPS, PipelineRunner } from './pipeline-runner.js';
import { ExternalUsersRepository } from './user-sync/external-users.repository.js';
import { UserSyncStep } from './user-sync/user-sync.step.js';

// The steps, in the order they run, are listed in the PIPELINE_STEPS factory below. Attachments
// render before emoji so that rendered text gets icons too, and emoji never touch the links in it.
@Module({
  imports: [FilesModule, BotframeworkModule],
  providers: [
    PipelineRunner,
    EmojiCatalog,
    ExternalUsersRepository,
    UserSyncStep,
    AttachmentsStep,
    FileDownloadStep,
    EmojiStep,
    BotframeworkStep,
    {
      provide: PIPELINE_STEPS,
      inject: [UserSyncStep, AttachmentsStep, FileDownloadStep, EmojiStep, BotframeworkStep],
      useFactory: (...steps: PipelineStep[]): PipelineStep[] => steps,
    },
  ],
  exports: [PipelineRunner, ExternalUsersRepository],
})
export class PipelinesModule {}
