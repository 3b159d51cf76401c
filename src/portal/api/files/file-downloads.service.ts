import { Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { FilesService } from '../../files/files.service.js';
import { MessagesRepository } from '../../open-lines/messages/messages.repository.js';
import { ChatAccessService, type Actor } from '../../open-lines/replies/chat-access.service.js';
import { dispositionFor } from './file-disposition.js';

@Injectable()
export class FileDownloadsService {
  constructor(
    private readonly files: FilesService,
    private readonly messages: MessagesRepository,
    private readonly access: ChatAccessService,
  ) {}

  /**
   * The stored file as a response body, with its sniffed type. Anything not shown inline is an
   * attachment, and the controller's nosniff and sandbox headers keep a hostile document inert.
   * A file is served only through a message the reader may see that is not deleted; any other
   * answers 404, as a file that does not exist.
   */
  async open(reader: Actor, id: string): Promise<StreamableFile> {
    const scope = await this.access.scopeOf(reader);
    const opened = (await this.messages.carriesFile({ fileId: id, scope }))
      ? await this.files.open(id)
      : null;
    if (!opened) throw new NotFoundException(`file ${id} does not exist`);
    const { file, stream } = opened;
    return new StreamableFile(stream, {
      type: file.mime,
      disposition: dispositionFor(file.mime, file.name),
      length: file.size,
    });
  }
}
