import type { OlpOutgoing } from '../../../src/protocol/index.js';
import {
  ConnectorError,
  HookRejected,
  type Connector,
  type ConnectorDefinition,
  type ConnectorLine,
  type DeliveryResult,
  type HookRequest,
  type ParsedHook,
  type StatusMark,
} from '../../../src/server/connectors/connector.js';

/** What the fake channel does with the next outgoing item. */
export type ChannelScript = 'ok' | 'refuse' | 'throw';

export interface ChannelCall {
  connector: string;
  lineId: string;
  action: string;
  item: unknown;
}

/**
 * An in-memory channel behind a test connector (`test`, with virtual channels `test.<name>`).
 * Webhooks carry `{"messages":[{chat,user,id,text}]}` and the header `x-test-secret`; outgoing
 * items are recorded and answered as scripted.
 */
export class TestChannel {
  readonly calls: ChannelCall[] = [];
  /** Consumed one per outgoing item; `ok` once empty. */
  readonly script: ChannelScript[] = [];
  private nextId = 1;

  definition(): ConnectorDefinition {
    return { id: 'test', virtualChannels: true, create: () => this.connector() };
  }

  private record(line: ConnectorLine, action: string, item: unknown): void {
    this.calls.push({ connector: line.connector, lineId: line.lineId, action, item });
  }

  private deliver(line: ConnectorLine, action: string, item: OlpOutgoing): Promise<DeliveryResult> {
    const step = this.script.shift() ?? 'ok';
    if (step === 'throw') return Promise.reject(new Error('channel unreachable'));
    this.record(line, action, item);
    if (step === 'refuse')
      return Promise.resolve({ ok: false, code: 'CHAT_NOT_FOUND', message: 'the chat is gone' });
    return Promise.resolve({ ok: true, externalIds: [`ext-${this.nextId++}`], date: 1_767_225_600 });
  }

  private connector(): Connector {
    return {
      verify: async (line: ConnectorLine, request: HookRequest) => {
        if (request.headers['x-test-secret'] !== line.settings.secret)
          throw new HookRejected(401, 'bad secret');
      },
      parse: async (_line: ConnectorLine, request: HookRequest): Promise<ParsedHook> => {
        const body = request.body as {
          messages?: { chat: string; user: string; id: string; text: string }[];
        };
        if (!Array.isArray(body?.messages)) throw new HookRejected(400, 'messages are missing');
        return {
          items: body.messages.map((m) => ({
            command: 'receivingMessage' as const,
            item: {
              type_message: 'message' as const,
              user: { id: m.user },
              chat: { id: m.chat },
              message: { id: m.id, date: 1_767_225_600, text: m.text },
            },
          })),
          reply: { status: 200, body: { received: body.messages.length } },
        };
      },
      send: (line, item) => this.deliver(line, 'send', item),
      update: (line, item) => this.deliver(line, 'update', item),
      delete: (line, item) => this.deliver(line, 'delete', item),
      saveSettings: async (_line, params) => {
        const p = params as { token?: unknown; secret?: unknown } | null;
        if (typeof p?.token !== 'string' || !p.token) {
          throw new ConnectorError('INVALID_SETTINGS', 'token is required', 'data.0.token');
        }
        return { token: p.token, secret: typeof p.secret === 'string' ? p.secret : p.token };
      },
      testConnect: async (line) => ({ connection: line.settings.token !== 'bad' }),
      register: async (line) => {
        this.record(line, 'register', line.webhookUrl);
        return { registered: true };
      },
      unregister: async (line) => {
        this.record(line, 'unregister', null);
        return { registered: false };
      },
      info: async (line) => ({ channel: line.channel, tokenSet: typeof line.settings.token === 'string' }),
      markRead: async (line: ConnectorLine, items: StatusMark[]) => this.record(line, 'markRead', items),
    };
  }
}
