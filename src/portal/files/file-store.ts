import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { access, link, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { PortalConfig } from '../config.js';

/** The content grew past the allowed size while it was being written; nothing was kept. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than the allowed ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

export interface StoredContent {
  sha256: string;
  size: number;
  /** Where the content lives on disk (for MIME sniffing). */
  path: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Content-addressed file storage on the local disk: each distinct content is kept once, under its
 * SHA-256. Writes go to a temporary file in the same folder tree first, so a content path only ever
 * holds complete content.
 */
@Injectable()
export class FileStore {
  private readonly root: string;

  constructor(config: PortalConfig) {
    this.root = config.files.dir;
  }

  /**
   * Streams `source` into the store, hashing and counting as it goes. Past `maxBytes` the write
   * fails with FileTooLargeError at once (the source is destroyed, so a network download stops).
   */
  async put(source: Readable | AsyncIterable<Buffer>, maxBytes: number): Promise<StoredContent> {
    const tmpDir = join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
      const sha256 = hash.digest('hex');
      const path = this.pathOf(sha256);
      await mkdir(dirname(path), { recursive: true });
      // link() fails when the content is already there: identical content is kept once.
      await link(tmp, path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      return { sha256, size, path };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Opens stored content for reading; fails with ENOENT when it is not on disk. */
  async open(sha256: string): Promise<ReadStream> {
    const path = this.pathOf(sha256);
    await access(path);
    return createReadStream(path);
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}
