import { Get, Header, Param, type StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../auth/principal.js';
import { ApiController } from '../common/api-controller.decorator.js';
import { validated } from '../common/validated.js';
import { FileDownloadsService } from './file-downloads.service.js';
import { fileIdParam } from './files.dto.js';

@ApiController('files')
export class FilesController {
  constructor(private readonly downloads: FileDownloadsService) {}

  @Get(':id')
  // Stored files come from customers: the browser must neither guess their type nor run them.
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  // Browsers key their cache by URL only: a cached copy would outlive the signed-in session.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'A stored file; images, audio and video inline, anything else as a download',
  })
  @ApiProduces('application/octet-stream', 'image/*', 'audio/*', 'video/*')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({
    description: 'No such file in a message on your lines (or its message was deleted)',
  })
  download(
    @CurrentUser() user: Principal,
    @Param('id', validated(fileIdParam)) id: string,
  ): Promise<StreamableFile> {
    return this.downloads.open(user, id);
  }
}
