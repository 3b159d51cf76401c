import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A bot the stand-in knows, by token. */
export interface StandInBot {
  token: string;
  id: number;
  username: string;
  first_name: string;
}

/** One Bot API call that reached the stand-in. */
export interface TelegramCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
}

/** A scripted refusal, as the Bot API writes it. */
export interface TelegramRefusal {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path?: string;
  bytes?: Buffer;
}

/**
 * A local Bot API: `POST|GET /bot<token>/<method>` answering `{"ok":true,"result":...}` or
 * `{"ok":false,"error_code":...,"description":...,"parameters":...}` like api.telegram.org, and
 * `GET /file/bot<token>/<file_path>` serving file bytes. It records every call, keeps the
 * webhook set per bot, and answers scripted refusals (a 429 with retry_after, ...) per method.
 */
export class TelegramApiStandIn {
  url = '';
  readonly calls: TelegramCall[] = [];
  /** Downloads from the file server, by path. */
  readonly downloads: string[] = [];
  readonly webhooks = new Map<string, { url: string; secret_token?: string; allowed_updates?: unknown }>();
  private readonly bots = new Map<string, StandInBot>();
  private readonly files = new Map<string, StoredFile>();
  private readonly refusals = new Map<string, TelegramRefusal[]>();
  /** Calls left to leave unanswered, per method. */
  private readonly hangs = new Map<string, number>();
  private nextMessageId = 1000;
  private server?: Server;

  addBot(bot: StandInBot): this {
    this.bots.set(bot.token, bot);
    return this;
  }

  /** A file getFile finds; without bytes it is one Telegram will not hand out (past 20 MB). */
  addFile(file: StoredFile): this {
    this.files.set(file.file_id, file);
    return this;
  }

  /** The next call of `method` is refused as given (queued, one per call). */
  refuseNext(method: string, refusal: TelegramRefusal): this {
    this.refusals.set(method, [...(this.refusals.get(method) ?? []), refusal]);
    return this;
  }

  /** The next `count` calls of `method` are recorded and never answered (the caller hangs). */
  hangNext(method: string, count = 1): this {
    this.hangs.set(method, (this.hangs.get(method) ?? 0) + count);
    return this;
  }

  callsOf(method: string): TelegramCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.answer(res, 500, { ok: false, error_code: 500, description: String(err) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private refuse(res: ServerResponse, refusal: TelegramRefusal): void {
    this.answer(res, refusal.error_code, { ok: false, ...refusal });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(res, decodeURIComponent(file[1]), decodeURIComponent(file[2]));
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!call) return this.refuse(res, { error_code: 404, description: 'Not Found' });
    const [, token, method] = call;
    const params = await this.paramsOf(req, url);
    this.calls.push({ token, method, params });
    const bot = this.bots.get(token);
    if (!bot) return this.refuse(res, { error_code: 401, description: 'Unauthorized' });
    const hangs = this.hangs.get(method) ?? 0;
    if (hangs > 0) {
      this.hangs.set(method, hangs - 1);
      return;
    }
    const scripted = this.refusals.get(method)?.shift();
    if (scripted) return this.refuse(res, scripted);
    const result = this.run(bot, method, params);
    if ('refusal' in result) return this.refuse(res, result.refusal);
    this.answer(res, 200, { ok: true, result: result.result });
  }

  private async paramsOf(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    if (raw && type.startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = new URLSearchParams(raw || url.search);
    return Object.fromEntries(form.entries());
  }

  private message(bot: StandInBot, params: Record<string, unknown>, extra: Record<string, unknown>) {
    return {
      message_id: this.nextMessageId++,
      from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
      chat: { id: Number(params.chat_id), type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  private run(
    bot: StandInBot,
    method: string,
    params: Record<string, unknown>,
  ): { result: unknown } | { refusal: TelegramRefusal } {
    const badRequest = (description: string) => ({ refusal: { error_code: 400, description } });
    switch (method) {
      case 'getMe':
        return {
          result: {
            id: bot.id,
            is_bot: true,
            first_name: bot.first_name,
            username: bot.username,
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        };
      case 'setWebhook':
        if (typeof params.url !== 'string' || !params.url)
          return badRequest('Bad Request: bad webhook: URL is empty');
        this.webhooks.set(bot.token, {
          url: params.url,
          secret_token: params.secret_token as string | undefined,
          allowed_updates: params.allowed_updates,
        });
        return { result: true };
      case 'deleteWebhook':
        this.webhooks.delete(bot.token);
        return { result: true };
      case 'sendMessage':
        if (typeof params.text !== 'string' || !params.text)
          return badRequest('Bad Request: message text is empty');
        if (parsedLength(params) > 4096) return badRequest('Bad Request: message is too long');
        return { result: this.message(bot, params, { text: params.text }) };
      case 'sendPhoto':
        return {
          result: this.message(bot, params, {
            photo: [
              { file_id: 'AgACAgIAAxk', file_unique_id: 'AQADsent', width: 90, height: 90, file_size: 1200 },
            ],
          }),
        };
      case 'sendDocument':
        return {
          result: this.message(bot, params, {
            document: { file_id: 'BQACAgIAAxk', file_unique_id: 'AgADsent', file_name: 'file' },
          }),
        };
      case 'editMessageText':
        if (parsedLength(params) > 4096) return badRequest('Bad Request: MESSAGE_TOO_LONG');
        return {
          result: this.message(bot, params, {
            message_id: Number(params.message_id),
            text: params.text,
            edit_date: Math.floor(Date.now() / 1000),
          }),
        };
      case 'deleteMessage':
        return { result: true };
      case 'getFile': {
        const file = this.files.get(String(params.file_id));
        if (!file) return badRequest('Bad Request: invalid file_id');
        if (!file.bytes) return badRequest('Bad Request: file is too big');
        return {
          result: {
            file_id: file.file_id,
            file_unique_id: file.file_unique_id,
            file_size: file.file_size,
            file_path: file.file_path,
          },
        };
      }
      default:
        return { refusal: { error_code: 404, description: 'Not Found: method not found' } };
    }
  }

  private serveFile(res: ServerResponse, token: string, path: string): void {
    this.downloads.push(path);
    const file = [...this.files.values()].find((f) => f.file_path === path);
    if (!this.bots.has(token) || !file?.bytes) {
      return this.refuse(res, { error_code: 404, description: 'Not Found' });
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    res.end(file.bytes);
  }
}

/**
 * The length Telegram's limits count: the text "after entities parsing", so with parse_mode HTML
 * without its tags and with each entity one character.
 */
function parsedLength(params: Record<string, unknown>): number {
  const text = typeof params.text === 'string' ? params.text : '';
  if (params.parse_mode !== 'HTML') return text.length;
  return text.replace(/<[^>]*>/g, '').replace(/&(lt|gt|amp|quot);/g, '_').length;
}
