import { Injectable } from '@nestjs/common';
import { fileName, FilesService } from '../../files/files.service.js';
import { bbLink } from '../attachments/safe-links.js';
import type { MessageContext, PipelineStep } from '../pipeline.js';

export const BIG_FILE_WARNING =
  '[b]Warning:[/b] the customer tried to send a file that is too large for the channel; it did not arrive.';

/**
 * Step 3: downloads the message's files into our storage (ctx.fileIds, in the channel's order).
 * A file that still fails after its attempts stays in the text as a link with a note saying why,
 * and the reason goes to ctx.fileErrors. `failed_big_file` puts a warning in front of the text.
 */
@Injectable()
export class FileDownloadStep implements PipelineStep {
  readonly name = 'file-download';

  constructor(private readonly files: FilesService) {}

  async run(ctx: MessageContext): Promise<void> {
    const { files = [], failed_big_file } = ctx.message.message;
    const notes: string[] = [];
    // One at a time: a message may carry up to 100 files of up to FILE_MAX_BYTES each.
    for (const file of files) {
      const result = await this.files.download(file);
      if (result.ok) {
        ctx.fileIds.push(result.file.id);
        continue;
      }
      const name = fileName(file);
      ctx.fileErrors.push(`${name}: ${result.error.message}`);
      notes.push(
        `[i]File "${name}" could not be downloaded (${result.error.message}):[/i] ${bbLink(file.url, file.url)}`,
      );
    }
    const parts = [failed_big_file ? BIG_FILE_WARNING : '', ctx.text, ...notes];
    ctx.text = parts.filter((p) => p.trim() !== '').join('\n');
  }
}
