import { Injectable } from '@nestjs/common';
import type { MessageContext, PipelineStep } from '../pipeline.js';
import { renderAttachments } from './attachment-renderer.js';
import { sanitizeLinks } from './safe-links.js';

/**
 * Step 2: renders attachments (forward, reply, location, contact, wall) into ctx.text and makes
 * every unsafe [url] of the result inert, whether it came from the channel's text or from an
 * attachment's fields. chat.url is not rendered: the open-lines listener reads message.chat.url
 * from the event payload and makes it the chat's description.
 */
@Injectable()
export class AttachmentsStep implements PipelineStep {
  readonly name = 'attachments';

  run(ctx: MessageContext): Promise<void> {
    ctx.text = sanitizeLinks(renderAttachments(ctx.text, ctx.message.message.attachments ?? []));
    return Promise.resolve();
  }
}
