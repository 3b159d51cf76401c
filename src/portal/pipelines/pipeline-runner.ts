import { Inject, Injectable } from '@nestjs/common';
import type { MessageContext, PipelineStep } from './pipeline.js';

/** The ordered list of receiving steps, provided by PipelinesModule. */
export const PIPELINE_STEPS = Symbol('PIPELINE_STEPS');

/** Runs the steps in their declared order; a throwing step stops the run (the inbox retries it). */
@Injectable()
export class PipelineRunner {
  constructor(@Inject(PIPELINE_STEPS) private readonly steps: PipelineStep[]) {}

  get stepNames(): string[] {
    return this.steps.map((s) => s.name);
  }

  async run(ctx: MessageContext): Promise<MessageContext> {
    for (const step of this.steps) await step.run(ctx);
    return ctx;
  }
}
