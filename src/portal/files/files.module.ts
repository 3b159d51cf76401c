import { Module } from '@nestjs/common';
import { FileDownloader } from './file-downloader.js';
import { FileStore } from './file-store.js';
import { FilesService } from './files.service.js';
import { StoredFilesRepository } from './stored-files.repository.js';

/**
 * Files downloaded from channels into our own storage. Other rooms use FilesService: `download`
 * (the pipelines) and `open(id)` (the API, to serve GET /api/files/:id).
 */
@Module({
  providers: [FileStore, FileDownloader, StoredFilesRepository, FilesService],
  exports: [FilesService],
})
export class FilesModule {}
