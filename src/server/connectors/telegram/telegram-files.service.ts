import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { LineSettings } from '../../lines/line-settings.service.js';
import { LinesRepository } from '../../lines/lines.repository.js';
import { TelegramFileLinks } from './file-links.js';
import { TelegramApi, TelegramApiError } from './telegram-api.js';
import type { TgFile } from './telegram.types.js';

export type FileOutcome =
  | { kind: 'file'; body: Readable; type: string; size?: number; name?: string }
  | { kind: 'refused'; status: 404 | 410 | 413 | 502; message: string };

/**
 * Serves a file link: checks the signed reference, asks Telegram for the file's path with the
 * line's bot token (getFile) and streams the file from Telegram's file server.
 */
@Injectable()
export class TelegramFiles {
  constructor(
    private readonly links: TelegramFileLinks,
    private readonly lines: LinesRepository,
    private readonly settings: LineSettings,
    private readonly api: TelegramApi,
  ) {}

  async open(token: string): Promise<FileOutcome> {
    const ref = this.links.open(token);
    if (!ref) return { kind: 'refused', status: 410, message: 'the link is invalid or has expired' };
    const row = await this.lines.findById({ id: ref.lineRef });
    if (!row) return { kind: 'refused', status: 404, message: 'the line of this file is gone' };
    const { token: botToken } = (await this.settings.open(row, null)).settings as { token?: string };
    if (typeof botToken !== 'string') return { kind: 'refused', status: 404, message: 'the line has no bot' };
    try {
      const file = await this.api.call<TgFile>(botToken, 'getFile', { file_id: ref.fileId });
      if (!file.file_path) return { kind: 'refused', status: 502, message: 'Telegram gave no file path' };
      const res = await this.api.download(botToken, file.file_path);
      const length = Number(res.headers.get('content-length'));
      return {
        kind: 'file',
        body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
        type: ref.type ?? res.headers.get('content-type') ?? 'application/octet-stream',
        size: Number.isFinite(length) && length > 0 ? length : file.file_size,
        name: ref.name,
      };
    } catch (err) {
      if (err instanceof TelegramApiError && /too big/i.test(err.description)) {
        return { kind: 'refused', status: 413, message: 'the file is past Telegram’s download limit' };
      }
      return { kind: 'refused', status: 502, message: (err as Error).message };
    }
  }
}
