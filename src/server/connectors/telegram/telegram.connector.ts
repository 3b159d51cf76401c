import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OlpOutgoing } from '../../../protocol/index.js';
import {
  ConnectorError,
  HookRejected,
  HookUnusable,
  RetryAfter,
  type Connector,
  type ConnectorDefinition,
  type ConnectorLine,
  type ConnectorResult,
  type ConnectorSettings,
  type DeliveryResult,
  type HookRequest,
  type ParsedHook,
} from '../connector.js';
import { bbCodeToHtml, splitBbCode } from './bbcode-html.js';
import { TelegramFileLinks } from './file-links.js';
import { TelegramApi, TelegramApiError } from './telegram-api.js';
import { ALLOWED_UPDATES, tgUpdateSchema, type TgMessage, type TgUser } from './telegram.types.js';
import { updateToItems } from './update-parser.js';

export const TELEGRAM_CONNECTOR_ID = 'telegrambot';

/** `<bot id>:<secret>` as BotFather issues it. */
const TOKEN_SHAPE = /^(\d{1,20}):[A-Za-z0-9_-]{30,64}$/;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's limits of a photo's or document's caption, and of a text message (after parsing). */
const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;
/**
 * Rate limits up to this long (seconds), met after a part of an item went out, are waited out in
 * place (at most PATIENT_ATTEMPTS times): retrying the whole item later would send that part again.
 */
const PATIENT_RETRY_S = 10;
const PATIENT_ATTEMPTS = 3;

interface TelegramSettings {
  token: string;
  /** Telegram sends it back in SECRET_HEADER with every webhook (setWebhook's secret_token). */
  secretToken: string;
}

function settingsOf(line: ConnectorLine): TelegramSettings {
  const { token, secretToken } = line.settings as Partial<TelegramSettings>;
  if (typeof token !== 'string' || typeof secretToken !== 'string') {
    throw new ConnectorError(
      'NOT_CONFIGURED',
      'the Telegram bot token is not saved; call saveSettings first',
    );
  }
  return { token, secretToken };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Fixed-length digests, so the comparison takes the same time whatever the header holds. */
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** Telegram accepts links for photos and documents and fetches them itself. */
const isImage = (type: string) => /^image\/(jpeg|png|gif|webp)$/i.test(type);

const messageIds = (item: OlpOutgoing): string[] => {
  const id = item.message.id;
  return id === undefined ? [] : Array.isArray(id) ? id : [id];
};

/**
 * A Telegram bot (Bot API): webhooks with a secret token, updates into OLP messages, operator
 * messages out as HTML. Rate limits (429) are retried after Telegram's retry_after; other
 * refusals are reported to the portal with the Telegram error code.
 */
export class TelegramConnector implements Connector {
  /** Telegram resends an update that is not answered 2xx, for about a day, blocking the ones after it. */
  readonly keepUnusable = true;

  constructor(
    private readonly api: TelegramApi,
    private readonly links: TelegramFileLinks,
  ) {}

  verify(line: ConnectorLine, request: HookRequest): Promise<void> {
    const header = request.headers[SECRET_HEADER];
    const given = Array.isArray(header) ? header[0] : header;
    const expected = (line.settings as Partial<TelegramSettings>).secretToken;
    if (typeof expected !== 'string' || typeof given !== 'string' || !sameSecret(given, expected)) {
      return Promise.reject(new HookRejected(401, 'the secret token does not match'));
    }
    return Promise.resolve();
  }

  /** An update that is not as the Bot API documents it is kept as a dead letter (HookUnusable). */
  parse(line: ConnectorLine, request: HookRequest): Promise<ParsedHook> {
    const parsed = tgUpdateSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const id = (request.body as { update_id?: unknown } | null)?.update_id;
      return Promise.reject(
        new HookUnusable(
          `not a Telegram Update: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
          Number.isSafeInteger(id) ? `update:${String(id)}` : undefined,
        ),
      );
    }
    const update = parsed.data;
    const items = updateToItems(update, (file) =>
      this.links.url({ lineRef: line.ref, fileId: file.fileId, name: file.name, type: file.type }),
    );
    return Promise.resolve({ items, receiptKey: `update:${update.update_id}` });
  }

  async send(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    const { token } = settingsOf(line);
    const chatId = item.chat.id;
    const ids: string[] = [];
    let date: number | undefined;
    // The first part may fail as a whole; later ones wait out a short rate limit (see PATIENT_RETRY_S).
    const call = (method: string, params: Record<string, unknown>) =>
      ids.length === 0
        ? this.api.call<TgMessage>(token, method, params)
        : this.callPatiently(token, method, params);
    return this.delivered(async () => {
      const text = bbCodeToHtml(item.message.text);
      const files = item.message.files ?? [];
      // Text short enough for a caption rides on the first file: one message, one call, and
      // fewer parts that a rate limit in the middle of the item would send twice on the retry.
      const caption = files.length > 0 && text.trim() !== '' && text.length <= CAPTION_LIMIT;
      if (text.trim() && !caption) {
        // A text past Telegram's limit goes as several messages; the item's ids are all of them.
        for (const part of splitBbCode(item.message.text, TEXT_LIMIT)) {
          const sent = await call('sendMessage', {
            chat_id: chatId,
            text: bbCodeToHtml(part),
            parse_mode: 'HTML',
          });
          ids.push(String(sent.message_id));
          date ??= sent.date;
        }
      }
      for (const [index, file] of files.entries()) {
        const [method, field] = isImage(file.type) ? ['sendPhoto', 'photo'] : ['sendDocument', 'document'];
        const sent = await call(method, {
          chat_id: chatId,
          [field]: file.url,
          ...(caption && index === 0 && { caption: text, parse_mode: 'HTML' }),
        });
        ids.push(String(sent.message_id));
        date ??= sent.date;
      }
      return { ok: true, externalIds: ids, ...(date !== undefined && { date }) };
    });
  }

  async update(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    const { token } = settingsOf(line);
    const [messageId] = messageIds(item);
    if (messageId === undefined)
      return { ok: false, code: 'MESSAGE_ID_MISSING', message: 'no message id to edit' };
    if (splitBbCode(item.message.text, TEXT_LIMIT).length > 1) {
      return {
        ok: false,
        code: 'MESSAGE_TOO_LONG',
        message: `an edit must fit one Telegram message (${TEXT_LIMIT} characters)`,
      };
    }
    return this.delivered(async () => {
      await this.api.call(token, 'editMessageText', {
        chat_id: item.chat.id,
        message_id: Number(messageId),
        text: bbCodeToHtml(item.message.text),
        parse_mode: 'HTML',
      });
      return { ok: true, externalIds: [messageId] };
    });
  }

  async delete(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    const { token } = settingsOf(line);
    const ids = messageIds(item);
    return this.delivered(async () => {
      for (const id of ids) {
        await this.api.call(token, 'deleteMessage', { chat_id: item.chat.id, message_id: Number(id) });
      }
      return { ok: true, externalIds: ids };
    });
  }

  saveSettings(_line: unknown, params: unknown): Promise<ConnectorSettings> {
    const token = (params as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token.trim())) {
      return Promise.reject(
        new ConnectorError('INVALID_SETTINGS', 'token must be a bot token as BotFather issues it', 'token'),
      );
    }
    const settings: TelegramSettings = {
      token: token.trim(),
      secretToken: randomBytes(32).toString('base64url'),
    };
    return Promise.resolve({ ...settings });
  }

  async testConnect(line: ConnectorLine): Promise<ConnectorResult> {
    const me = await this.getMe(line);
    return { connection: true, bot: { id: me.id, username: me.username, name: me.first_name } };
  }

  async register(line: ConnectorLine): Promise<ConnectorResult> {
    const { token, secretToken } = settingsOf(line);
    await this.control(() =>
      this.api.call(token, 'setWebhook', {
        url: line.webhookUrl,
        secret_token: secretToken,
        allowed_updates: ALLOWED_UPDATES,
      }),
    );
    return { registered: true };
  }

  async unregister(line: ConnectorLine): Promise<ConnectorResult> {
    const { token } = settingsOf(line);
    await this.control(() => this.api.call(token, 'deleteWebhook', {}));
    return { registered: false };
  }

  async info(line: ConnectorLine): Promise<ConnectorResult> {
    try {
      const me = await this.getMe(line);
      return { botId: me.id, username: me.username, url: me.username ? `https://t.me/${me.username}` : null };
    } catch (err) {
      return { url: null, error: (err as Error).message };
    }
  }

  account(line: ConnectorLine): Promise<string | null> {
    const token = (line.settings as Partial<TelegramSettings>).token;
    const botId = typeof token === 'string' ? TOKEN_SHAPE.exec(token)?.[1] : undefined;
    return Promise.resolve(botId ? `${TELEGRAM_CONNECTOR_ID}:${botId}` : null);
  }

  private getMe(line: ConnectorLine): Promise<TgUser> {
    const { token } = settingsOf(line);
    return this.control(() => this.api.call<TgUser>(token, 'getMe'));
  }

  /** A control method's refusal goes to the portal as a ConnectorError. */
  private async control<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof TelegramApiError)) throw err;
      const code =
        err.errorCode === 401 || err.errorCode === 404 ? 'INVALID_TOKEN' : `TELEGRAM_${err.errorCode}`;
      throw new ConnectorError(code, err.description);
    }
  }

  private async callPatiently(
    token: string,
    method: string,
    params: Record<string, unknown>,
  ): Promise<TgMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.api.call<TgMessage>(token, method, params);
      } catch (err) {
        const wait =
          err instanceof TelegramApiError && err.errorCode === 429 ? (err.retryAfter ?? 1) : undefined;
        if (wait === undefined || wait > PATIENT_RETRY_S || attempt >= PATIENT_ATTEMPTS) throw err;
        await sleep(wait * 1000);
      }
    }
  }

  /** 429 and server faults are transient (thrown); any other refusal is the item's outcome. */
  private async delivered(work: () => Promise<DeliveryResult>): Promise<DeliveryResult> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof TelegramApiError)) throw err;
      if (err.errorCode === 429) {
        throw new RetryAfter((err.retryAfter ?? 1) * 1000, `Telegram rate limit: ${err.description}`);
      }
      if (err.errorCode >= 500) throw err;
      return { ok: false, code: `TELEGRAM_${err.errorCode}`, message: err.description };
    }
  }
}

/** The factory's entry for Telegram bots (a real channel without virtual ones). */
export const telegramConnector: ConnectorDefinition = {
  id: TELEGRAM_CONNECTOR_ID,
  virtualChannels: false,
  create: (_channel, context) =>
    new TelegramConnector(context.get(TelegramApi), context.get(TelegramFileLinks)),
};
