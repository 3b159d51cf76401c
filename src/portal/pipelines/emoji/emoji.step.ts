import { Injectable } from '@nestjs/common';
import type { MessageContext, PipelineStep } from '../pipeline.js';
import { EmojiCatalog } from './emoji-catalog.js';
import { replaceEmoji } from './emoji-parser.js';

/** Step 4: emoji, :shortnames: and smileys in ctx.text become [icon] tags (the seed's Emojione). */
@Injectable()
export class EmojiStep implements PipelineStep {
  readonly name = 'emoji';

  constructor(private readonly catalog: EmojiCatalog) {}

  run(ctx: MessageContext): Promise<void> {
    ctx.text = replaceEmoji(ctx.text, this.catalog);
    return Promise.resolve();
  }
}
