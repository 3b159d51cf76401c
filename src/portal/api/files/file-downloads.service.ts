import { Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { FilesService } from '../../files/files.service.js';
import { dispositionFor } from './file-disposition.js';

@Injectable()
export class FileDownloadsService {
  constructor(private readonly files: FilesService) {}

  /**
   * The stored file as a response body, with its sniffed type. Anything not shown inline is an
   * attachment, and the controller's nosniff and sandbox headers keep a hostile document inert.
   */
  async open(id: string): Promise<StreamableFile> {
    const opened = await this.files.open(id);
    if (!opened) throw new NotFoundException(`file ${id} does not exist`);
    const { file, stream } = opened;
    return new StreamableFile(stream, {
      type: file.mime,
      disposition: dispositionFor(file.mime, file.name),
      length: file.size,
    });
  }
}
