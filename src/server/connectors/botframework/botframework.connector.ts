import { Logger } from '@nestjs/common';
import type { Clock } from '../../../common/clock.js';
import type { OlpOutgoing } from '../../../protocol/index.js';
import {
  ConnectorError,
  HookRejected,
  type Connector,
  type ConnectorLine,
  type ConnectorResult,
  type ConnectorSettings,
  type DeliveryResult,
  type HookRequest,
  type ParsedHook,
} from '../connector.js';
import { activitySchema } from './activity.js';
import type { ActivityAuth } from './activity-auth.js';
import { parseActivity } from './activity-parser.js';
import { ConnectorApi, type ApiAnswer } from './connector-api.js';
import { externalIdOf, messageActivity, replyAddressOf, type ReplyAddress } from './outgoing.js';
import { type ServiceUrlSeal } from './service-url-seal.js';
import { credentialsOf, settingsFromParams } from './settings.js';
import { CredentialsRefused, type BotCredentials, type BotTokenClient } from './token-client.js';

/** The real connector id; virtual ones are `botframework.<channelId>`. */
export const BOTFRAMEWORK = 'botframework';

/** What every Bot Framework connector of one server shares. */
export interface BotframeworkServices {
  auth: ActivityAuth;
  tokens: BotTokenClient;
  api: ConnectorApi;
  seal: ServiceUrlSeal;
  clock: Clock;
}

const failed = (code: string, message: string): DeliveryResult => ({ ok: false, code, message });

function refusalOf(answer: ApiAnswer): DeliveryResult {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const detail = typeof error?.message === 'string' ? error.message : `HTTP ${answer.status}`;
  const code = answer.status === 401 || answer.status === 403 ? 'UNAUTHORIZED' : `HTTP_${answer.status}`;
  return failed(code, `the Bot Connector refused the call: ${detail}`);
}

/**
 * Microsoft Bot Framework (Azure Bot Service). One line is one bot (app id and password); the
 * Bot Connector posts Activities of every channel the bot is enabled on to the line's webhook,
 * and each activity's channelId decides the virtual connector (`botframework.msteams`) its
 * messages reach the portal under. Replies go to the conversation's service URL, which the
 * portal keeps per chat and sends back inside each item's `message`.
 */
export class BotframeworkConnector implements Connector {
  private readonly logger = new Logger(BotframeworkConnector.name);

  constructor(private readonly services: BotframeworkServices) {}

  async verify(line: ConnectorLine, request: HookRequest): Promise<void> {
    const creds = credentialsOf(line.settings);
    if (!creds) throw new HookRejected(403, 'the line has no Bot Framework app id yet');
    const { serviceUrl, channelId } = (request.body ?? {}) as { serviceUrl?: unknown; channelId?: unknown };
    await this.services.auth.verify(request.headers.authorization, {
      appId: creds.appId,
      serviceUrl: typeof serviceUrl === 'string' ? serviceUrl : '',
      channelId: typeof channelId === 'string' ? channelId : '',
    });
  }

  parse(line: ConnectorLine, request: HookRequest): Promise<ParsedHook> {
    return Promise.resolve().then(() => this.read(line, request));
  }

  private read(line: ConnectorLine, request: HookRequest): ParsedHook {
    const creds = this.credentials(line);
    const parsed = activitySchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HookRejected(
        400,
        `not an Activity: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`,
      );
    }
    const activity = parsed.data;
    if (line.channel !== null && line.channel !== activity.channelId) {
      // A line connected under one virtual channel takes only that channel's activities.
      this.logger.warn(
        `${line.connector} line ${line.lineId}: a ${activity.channelId} activity is not taken`,
      );
      return { items: [], reply: { status: 200 } };
    }
    const seal = this.services.seal.seal(
      this.scope(line, creds),
      activity.serviceUrl,
      activity.conversation.id,
    );
    const { channel, items } = parseActivity(activity, {
      now: Math.floor(this.services.clock.nowMs() / 1000),
      seal,
    });
    // The Bot Connector redelivers an activity it saw no answer to: queued once per activity id.
    const receiptKey = activity.id && JSON.stringify([activity.type, activity.conversation.id, activity.id]);
    return {
      items,
      connector: `${BOTFRAMEWORK}.${channel}`,
      reply: { status: 200 },
      ...(receiptKey && { receiptKey }),
    };
  }

  send(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    return this.deliver(line, item, async (creds, address) => {
      const url = ConnectorApi.activitiesUrl(address.serviceUrl, address.conversation.id);
      const answer = await this.services.api.call(creds, 'POST', url, messageActivity(item, address));
      if (answer.status < 200 || answer.status >= 300) return refusalOf(answer);
      const id = (answer.body as { id?: unknown } | null)?.id;
      return { ok: true, externalIds: typeof id === 'string' && id ? [id] : [] };
    });
  }

  update(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    return this.deliver(line, item, async (creds, address) => {
      const id = externalIdOf(item);
      if (!id) return failed('NO_MESSAGE_ID', 'the message has no Bot Framework activity id to update');
      const url = ConnectorApi.activitiesUrl(address.serviceUrl, address.conversation.id, id);
      const answer = await this.services.api.call(creds, 'PUT', url, messageActivity(item, address, id));
      if (answer.status < 200 || answer.status >= 300) return refusalOf(answer);
      return { ok: true, externalIds: [id] };
    });
  }

  delete(line: ConnectorLine, item: OlpOutgoing): Promise<DeliveryResult> {
    return this.deliver(line, item, async (creds, address) => {
      const id = externalIdOf(item);
      if (!id) return failed('NO_MESSAGE_ID', 'the message has no Bot Framework activity id to delete');
      const url = ConnectorApi.activitiesUrl(address.serviceUrl, address.conversation.id, id);
      const answer = await this.services.api.call(creds, 'DELETE', url);
      // Already gone is what was asked for.
      if (answer.status === 404 || (answer.status >= 200 && answer.status < 300))
        return { ok: true, externalIds: [id] };
      return refusalOf(answer);
    });
  }

  async saveSettings(
    _line: Omit<ConnectorLine, 'settings' | 'ref'>,
    params: unknown,
  ): Promise<ConnectorSettings> {
    return Promise.resolve(settingsFromParams(params));
  }

  async testConnect(line: ConnectorLine): Promise<ConnectorResult> {
    const creds = this.credentials(line);
    try {
      await this.services.tokens.token(creds, { renew: true });
    } catch (err) {
      if (err instanceof CredentialsRefused)
        throw new ConnectorError('INVALID_CREDENTIALS', err.message, 'app_password');
      throw new ConnectorError('CHANNEL_UNAVAILABLE', `no Bot Framework token: ${(err as Error).message}`);
    }
    return { app_id: creds.appId };
  }

  /**
   * The messaging endpoint is set on the Azure Bot resource by its owner; the line answers with
   * the address to put there.
   */
  async register(line: ConnectorLine): Promise<ConnectorResult> {
    this.credentials(line);
    return Promise.resolve({ messaging_endpoint: line.webhookUrl });
  }

  async unregister(): Promise<ConnectorResult> {
    return Promise.resolve({});
  }

  async info(line: ConnectorLine): Promise<ConnectorResult> {
    const creds = credentialsOf(line.settings);
    return Promise.resolve({ ...(creds && { app_id: creds.appId }), messaging_endpoint: line.webhookUrl });
  }

  async account(line: ConnectorLine): Promise<string | null> {
    const creds = credentialsOf(line.settings);
    return Promise.resolve(creds ? `${BOTFRAMEWORK}:${creds.appId}` : null);
  }

  private credentials(line: ConnectorLine): BotCredentials {
    const creds = credentialsOf(line.settings);
    if (!creds)
      throw new ConnectorError('NOT_CONFIGURED', 'call saveSettings with app_id and app_password first');
    return creds;
  }

  private scope(line: ConnectorLine, creds: BotCredentials) {
    return { portalId: line.portalId, lineId: line.lineId, appId: creds.appId };
  }

  /**
   * Runs one outgoing call once its address is known and sealed for this line; refusals of the
   * credentials are reported, transient failures (token endpoint or Bot Connector down, 429,
   * 5xx) thrown so the outbound worker retries them.
   */
  private async deliver(
    line: ConnectorLine,
    item: OlpOutgoing,
    call: (creds: BotCredentials, address: ReplyAddress) => Promise<DeliveryResult>,
  ): Promise<DeliveryResult> {
    const creds = credentialsOf(line.settings);
    if (!creds) return failed('NOT_CONFIGURED', 'the line has no Bot Framework credentials');
    const address = replyAddressOf(item);
    if (!address) {
      return failed(
        'NO_CONVERSATION',
        'the item carries no Bot Framework conversation (from, service_url, conversation)',
      );
    }
    if (
      !this.services.seal.holds(
        this.scope(line, creds),
        address.serviceUrl,
        address.conversation.id,
        address.seal,
      )
    ) {
      return failed(
        'SERVICE_URL_NOT_ALLOWED',
        'the service URL and conversation were not named by a verified activity of this line',
      );
    }
    try {
      return await call(creds, address);
    } catch (err) {
      if (err instanceof CredentialsRefused) return failed('INVALID_CREDENTIALS', err.message);
      throw err;
    }
  }
}
