import { Controller, Get, Header, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FilesService } from '../../files/files.service.js';
import { FileLinksRepository } from '../../open-lines/replies/file-links.repository.js';
import { validated } from '../common/validated.js';
import { dispositionFor } from '../files/file-disposition.js';
import { linkToken } from './replies.dto.js';

/**
 * The links in operators' messages (Outgoing.message.files[].url): the connector server, which
 * holds no portal credentials, fetches the files here. The token is the credential; deleting
 * the message revokes it.
 */
@ApiTags('files')
@Controller('public/files')
export class FileLinksController {
  constructor(
    private readonly links: FileLinksRepository,
    private readonly files: FilesService,
  ) {}

  @Get(':token')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A file of an operator's message, by its revocable link" })
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'No such link, or it was revoked' })
  async download(@Param('token', validated(linkToken)) value: string): Promise<StreamableFile> {
    const link = await this.links.findLive(value);
    const opened = link ? await this.files.open(link.fileId) : null;
    if (!opened) throw new NotFoundException('no such file link');
    const { file, stream } = opened;
    return new StreamableFile(stream, {
      type: file.mime,
      disposition: dispositionFor(file.mime, file.name),
      length: file.size,
    });
  }
}
