import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config.js';

/** A Bot API answer `{"ok":false,...}`: the method was refused (or rate limited, with retryAfter). */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    /** Seconds to wait, from `parameters.retry_after` of a 429. */
    readonly retryAfter?: number,
  ) {
    super(`Telegram ${errorCode}: ${description}`);
    this.name = 'TelegramApiError';
  }
}

interface ApiReply<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

const CALL_TIMEOUT_MS = 30_000;
/** Up to 20 MB from Telegram's file server. */
const DOWNLOAD_TIMEOUT_MS = 300_000;

/**
 * The Bot API over HTTPS (`<base>/bot<token>/<method>`, JSON bodies). Transport failures and
 * unreadable answers are thrown as plain errors (transient); refusals as TelegramApiError. The
 * token appears in no error message.
 */
@Injectable()
export class TelegramApi {
  private readonly base: string;

  constructor(config: ServerConfig) {
    this.base = config.telegram.apiUrl;
  }

  async call<T>(token: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`Telegram ${method} unreachable${cause ? ` (${cause})` : ''}`, { cause: err });
    }
    let reply: ApiReply<T>;
    try {
      reply = (await res.json()) as ApiReply<T>;
    } catch {
      throw new Error(`Telegram ${method} answered HTTP ${res.status} without a Bot API reply`);
    }
    if (reply.ok && reply.result !== undefined) return reply.result;
    throw new TelegramApiError(
      reply.error_code ?? res.status,
      reply.description ?? 'no description',
      reply.parameters?.retry_after,
    );
  }

  /** Downloads a file found by getFile; the caller streams the body on. */
  async download(token: string, filePath: string): Promise<Response> {
    const path = filePath.split('/').map(encodeURIComponent).join('/');
    const res = await fetch(`${this.base}/file/bot${token}/${path}`, {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
    if (!res.ok || !res.body) throw new TelegramApiError(res.status, 'file download failed');
    return res;
  }
}
