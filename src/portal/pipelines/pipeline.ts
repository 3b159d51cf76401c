import type { OlpMessage } from '../../protocol/index.js';
import type { Origin } from '../events/events.js';

/** What the pipeline steps build up for one inbox message, in order. */
export interface MessageContext extends Origin {
  inboxId: number;
  /** The message as received; steps do not mutate it. */
  readonly message: OlpMessage;
  /** Set by user sync. */
  userId?: number;
  /** Starts as message.message.text ?? ''; each step may rewrite it. */
  text: string;
  /** Set by file download. */
  fileIds: string[];
  fileErrors: string[];
}

/** One step of the receiving pipeline: a provider with one method. */
export interface PipelineStep {
  readonly name: string;
  run(ctx: MessageContext): Promise<void>;
}
