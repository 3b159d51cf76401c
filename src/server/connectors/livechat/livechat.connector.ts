import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Clock } from '../../../common/clock.js';
import { MAX_TEXT_LENGTH, normalizeText, type OlpOutgoing } from '../../../protocol/index.js';
import { ServerConfig } from '../../config.js';
import { LinesRepository } from '../../lines/lines.repository.js';
import {
  ConnectorError,
  HookRejected,
  type Connector,
  type ConnectorContext,
  type ConnectorDefinition,
  type ConnectorLine,
  type ConnectorResult,
  type ConnectorSettings,
  type Delivery,
  type DeliveryResult,
  type HookRequest,
  type ParsedHook,
  type StatusMark,
} from '../connector.js';
import { LiveChatEvents } from './livechat-events.service.js';
import {
  LiveChatSessions,
  SessionRefused,
  sessionTokenOf,
  type VisitorSession,
} from './livechat-sessions.js';
import { LiveChatRepository } from './livechat.repository.js';

export const LIVECHAT = 'livechat';

/** What a visitor posts: a message (with an optional id of the widget's own, for retries), or typing. */
const visitorPost = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    // The visitor can be told, so an over-long text is refused here rather than cut on queueing;
    // the limit counts what will be stored (normalised).
    text: z
      .string()
      .transform(normalizeText)
      .pipe(z.string().trim().min(1).max(MAX_TEXT_LENGTH, `at most ${MAX_TEXT_LENGTH} characters`)),
  }),
  z.object({ type: z.literal('typing') }),
]);

const settingsSchema = z
  .object({ title: z.string().max(200).optional() })
  .nullish()
  .transform((v) => v ?? {});

/**
 * The website live chat: visitors hold a session token (LiveChatSessions) instead of a channel
 * signature, their posts arrive through the one hook entry, and operator replies are appended to
 * the visitor's durable event log, which the widget reads by SSE or long poll. A reply counts as
 * delivered once it is in that log.
 */
export class LiveChatConnector implements Connector {
  constructor(
    private readonly sessions: LiveChatSessions,
    private readonly events: LiveChatEvents,
    private readonly visitors: LiveChatRepository,
    private readonly lines: LinesRepository,
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {}

  async verify(line: ConnectorLine, request: HookRequest): Promise<void> {
    await this.session(line, request);
  }

  async parse(line: ConnectorLine, request: HookRequest): Promise<ParsedHook> {
    const session = await this.session(line, request);
    const post = visitorPost.safeParse(
      request.body && typeof request.body === 'object' && !('type' in request.body)
        ? { ...request.body, type: 'message' }
        : request.body,
    );
    if (!post.success) {
      const issue = post.error.issues[0];
      throw new HookRejected(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const user = { id: session.visitorId, ...(session.name !== undefined && { name: session.name }) };
    const chat = {
      id: session.visitorId,
      ...(session.name !== undefined && { name: session.name }),
      ...(session.url !== undefined && { url: session.url }),
    };
    const date = Math.floor(this.clock.nowMs() / 1000);
    if (post.data.type === 'typing') {
      const message = { id: `typing-${randomUUID()}`, date };
      return {
        items: [{ command: 'receivingMessage', item: { type_message: 'typing_start', user, chat, message } }],
        reply: { status: 202, body: { ok: true } },
      };
    }
    const id = post.data.id ?? randomUUID();
    return {
      items: [
        {
          command: 'receivingMessage',
          item: { type_message: 'message', user, chat, message: { id, date, text: post.data.text } },
        },
      ],
      reply: { status: 202, body: { ok: true, id } },
    };
  }

  /**
   * Appending the event is the delivery; it is keyed by the outbound item, so a worker that died
   * before recording it appends nothing the second time and reports the first event's ids.
   */
  async send(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult> {
    if (!(await this.visitors.findVisitor({ id: item.chat.id, lineRef: line.ref }))) return noSuchChat();
    const event = await this.events.append(
      item.chat.id,
      'message',
      {
        id: `op-${randomUUID()}`,
        text: item.message.text,
        ...(item.message.files?.length && { files: item.message.files }),
        ...(item.user && { author: item.user.name }),
      },
      delivery?.key,
    );
    return { ok: true, externalIds: [event.message.id], date: event.message.date };
  }

  async update(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult> {
    return this.change(line, item, 'update', delivery);
  }

  /** The operator read the visitor's messages: a `read` event per message, for the widget's marks. */
  async markRead(line: ConnectorLine, items: StatusMark[]): Promise<void> {
    for (const { chat, message } of items) {
      // A mark for a chat that is not a visitor of this line has nobody to show it to.
      if (!(await this.visitors.findVisitor({ id: chat.id, lineRef: line.ref }))) continue;
      for (const id of message.id) await this.events.append(chat.id, 'read', { id });
    }
  }

  async delete(line: ConnectorLine, item: OlpOutgoing, delivery?: Delivery): Promise<DeliveryResult> {
    return this.change(line, item, 'delete', delivery);
  }

  saveSettings(_line: Omit<ConnectorLine, 'settings' | 'ref'>, params: unknown): Promise<ConnectorSettings> {
    const parsed = settingsSchema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ['data', '0', ...(issue?.path ?? [])].map(String).join('.');
      return Promise.reject(new ConnectorError('INVALID_SETTINGS', issue?.message ?? 'invalid', field));
    }
    return Promise.resolve(parsed.data);
  }

  testConnect(): Promise<ConnectorResult> {
    // Nothing outside this server to reach: the line works as soon as it exists.
    return Promise.resolve({ connection: true });
  }

  async register(line: ConnectorLine): Promise<ConnectorResult> {
    return { registered: true, ...(await this.info(line)) };
  }

  unregister(): Promise<ConnectorResult> {
    return Promise.resolve({ registered: false });
  }

  async info(line: ConnectorLine): Promise<ConnectorResult> {
    const row = await this.lines.find({
      portalId: line.portalId,
      connector: line.connector,
      lineId: line.lineId,
    });
    if (!row) return {};
    const base = `${this.config.publicUrl}/livechat/${encodeURIComponent(row.hash)}`;
    return {
      ...(typeof line.settings.title === 'string' && { title: line.settings.title }),
      url: `${base}/demo`,
      widget: {
        start: `${base}/start`,
        messages: `${base}/messages`,
        events: `${base}/events`,
        poll: `${base}/poll`,
      },
    };
  }

  account(): Promise<string | null> {
    return Promise.resolve(null);
  }

  private async session(line: ConnectorLine, request: HookRequest): Promise<VisitorSession> {
    try {
      return await this.sessions.verify(line, sessionTokenOf(request.headers, request.query));
    } catch (err) {
      if (err instanceof SessionRefused) throw new HookRejected(401, err.message);
      throw err;
    }
  }

  private async change(
    line: ConnectorLine,
    item: OlpOutgoing,
    type: 'update' | 'delete',
    delivery?: Delivery,
  ): Promise<DeliveryResult> {
    const id = Array.isArray(item.message.id) ? item.message.id[0] : item.message.id;
    if (!id) return { ok: false, code: 'MESSAGE_NOT_FOUND', message: 'message.id names no sent message' };
    if (!(await this.visitors.findVisitor({ id: item.chat.id, lineRef: line.ref }))) return noSuchChat();
    const event = await this.events.append(
      item.chat.id,
      type,
      {
        id,
        ...(type === 'update' && { text: item.message.text }),
        ...(type === 'update' && item.message.files?.length && { files: item.message.files }),
      },
      delivery?.key,
    );
    return { ok: true, externalIds: [id], date: event.message.date };
  }
}

const noSuchChat = (): DeliveryResult => ({
  ok: false,
  code: 'CHAT_NOT_FOUND',
  message: 'no visitor of this line has that chat id',
});

export const liveChatDefinition: ConnectorDefinition = {
  id: LIVECHAT,
  virtualChannels: false,
  create: (_channel, context: ConnectorContext) =>
    new LiveChatConnector(
      context.get(LiveChatSessions),
      context.get(LiveChatEvents),
      context.get(LiveChatRepository),
      context.get(LinesRepository),
      context.get(ServerConfig),
      context.get(Clock),
    ),
};
