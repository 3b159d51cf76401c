import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { ServerConfig } from '../../config.js';

/** What a file link names: a Telegram file of one line, until a moment. */
export interface FileReference {
  lineRef: number;
  fileId: string;
  name?: string;
  type?: string;
  /** Unix milliseconds after which the link is refused. */
  expiresAt: number;
}

interface Payload {
  l: number;
  f: string;
  n?: string;
  t?: string;
  e: number;
}

export const FILE_ROUTE = '/files/telegram';

/**
 * Links to Telegram files that the portal downloads from this server: the token names the line
 * and the file_id, expires, and is signed (HMAC-SHA256 with a key derived from the server key),
 * so the bot token never leaves the server and a link cannot be made up or extended.
 */
@Injectable()
export class TelegramFileLinks {
  private readonly key: Buffer;

  constructor(
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {
    this.key = createHmac('sha256', config.serverKey).update('telegram-file-links/v1').digest();
  }

  url(ref: Omit<FileReference, 'expiresAt'>): string {
    const payload: Payload = {
      l: ref.lineRef,
      f: ref.fileId,
      ...(ref.name !== undefined && { n: ref.name }),
      ...(ref.type !== undefined && { t: ref.type }),
      e: this.clock.nowMs() + this.config.telegram.fileLinkTtlMs,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    // In the query: file_ids are long, past what a path parameter may hold.
    return `${this.config.publicUrl}${FILE_ROUTE}?t=${body}.${this.sign(body)}`;
  }

  /** The reference a token names, or null when it is forged, altered or expired. */
  open(token: string): FileReference | null {
    const [body, mac, ...rest] = token.split('.');
    if (!body || !mac || rest.length) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    if (p.e <= this.clock.nowMs()) return null;
    return { lineRef: p.l, fileId: p.f, name: p.n, type: p.t, expiresAt: p.e };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
