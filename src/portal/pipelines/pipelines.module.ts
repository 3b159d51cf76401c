import { Module } from '@nestjs/common';
import { PIPELINE_STEPS, PipelineRunner } from './pipeline-runner.js';

// The steps, in the order they run, are listed in the PIPELINE_STEPS factory below.
@Module({
  providers: [PipelineRunner, { provide: PIPELINE_STEPS, useFactory: () => [] }],
  exports: [PipelineRunner],
})
export class PipelinesModule {}
