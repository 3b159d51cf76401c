import { randomUUID } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';
import { Clock } from '../../common/clock.js';
import type { OlpFile } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import { FileDownloadError, FileDownloader, type FetchedContent } from './file-downloader.js';
import { FileStore } from './file-store.js';
import { StoredFilesRepository, type StoredFileRow } from './stored-files.repository.js';

/** Base of the pause between download attempts (doubled each time); injectable for tests. */
export const FILE_RETRY_BACKOFF_MS = Symbol('FILE_RETRY_BACKOFF_MS');

export type FileDownloadResult =
  { ok: true; file: StoredFileRow } | { ok: false; error: FileDownloadError; attempts: number };

export interface OpenedFile {
  file: StoredFileRow;
  stream: ReadStream;
}

const DEFAULT_BACKOFF_MS = 500;
const MIME = /^[\w.+-]+\/[\w.+-]+$/;
// Control characters and path separators have no place in a name offered for download.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f/\\]/g;

/**
 * Channel files in our own storage: downloads them (with retries) into the content-addressed
 * store with a stored_files record, and opens them again by id for serving.
 */
@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBytes: number;

  constructor(
    config: PortalConfig,
    private readonly downloader: FileDownloader,
    private readonly store: FileStore,
    private readonly files: StoredFilesRepository,
    private readonly clock: Clock,
    @Optional() @Inject(FILE_RETRY_BACKOFF_MS) backoffMs?: number,
  ) {
    this.attempts = config.files.attempts;
    this.maxBytes = config.files.maxBytes;
    this.backoffMs = backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  /**
   * Downloads a file described by the channel. Failures that cannot change by trying again (a
   * refused address, a file over the size cap, a 404) end at once; others are retried up to
   * `attempts` times (FILE_ATTEMPTS by default). Never throws for a failed download.
   */
  async download(file: OlpFile, opts: { attempts?: number } = {}): Promise<FileDownloadResult> {
    const attempts = opts.attempts ?? this.attempts;
    for (let attempt = 1; ; attempt++) {
      try {
        const content = await this.downloader.fetch(file);
        return { ok: true, file: await this.record(file, content) };
      } catch (err) {
        if (!(err instanceof FileDownloadError)) throw err;
        if (!err.retryable || attempt >= attempts) {
          this.logger.warn(`file not downloaded after ${attempt} attempt(s): ${err.message}`);
          return { ok: false, error: err, attempts: attempt };
        }
        await sleep(this.backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Stores a file an operator uploaded (to send it to a customer). Fails with FileTooLargeError
   * past FILE_MAX_BYTES.
   */
  async storeUpload(source: Readable, meta: { name: string; type?: string }): Promise<StoredFileRow> {
    const content = await this.store.put(source, this.maxBytes);
    return this.record({ url: '', name: meta.name, type: meta.type }, { ...content, contentType: null });
  }

  async find(id: string): Promise<StoredFileRow | null> {
    return this.files.findById(id);
  }

  /** A stored file and a stream of its content, or null when there is no such file. */
  async open(id: string): Promise<OpenedFile | null> {
    const file = await this.files.findById(id);
    if (!file) return null;
    try {
      return { file, stream: await this.store.open(file.sha256) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.logger.error(`stored file ${id} has a record but no content on disk (${file.sha256})`);
      return null;
    }
  }

  private async record(file: OlpFile, content: FetchedContent): Promise<StoredFileRow> {
    const sniffed = await fileTypeFromFile(content.path);
    return this.files.create({
      id: randomUUID(),
      sha256: content.sha256,
      name: fileName(file),
      mime: sniffed?.mime ?? declaredMime(file.type) ?? 'application/octet-stream',
      size: content.size,
      sourceUrl: file.url || null,
      createdAt: this.clock.now(),
    });
  }
}

function declaredMime(type: string | undefined): string | undefined {
  const mime = type?.split(';')[0]?.trim().toLowerCase();
  return mime && MIME.test(mime) ? mime : undefined;
}

/** The channel's name for the file, else the last part of its URL path; safe as a download name. */
export function fileName(file: OlpFile): string {
  const fromUrl = (): string | undefined => {
    try {
      const last = new URL(file.url).pathname.split('/').pop();
      return last ? decodeURIComponent(last) : undefined;
    } catch {
      return undefined;
    }
  };
  const raw = file.name?.trim() || fromUrl() || '';
  const clean = raw.replace(UNSAFE_NAME_CHARS, '_').trim().slice(0, 255);
  return clean || 'file';
}
