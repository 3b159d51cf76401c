import { beforeEach, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../common/clock.js';
import { generateKeySpec } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import type { OlpHttpClient, OutgoingEnvelope } from './olp-http.client.js';
import type { OlpAnswer } from './olp-reply.js';
import type { OutboxCallRow, OutboxRepository } from './outbox.repository.js';
import type { OutboxWorker } from './outbox.worker.js';
import type { OutgoingProcessor } from './outgoing-processor.js';
import { OutgoingProcessorRegistry } from './outgoing-processor.registry.js';
import { OutputError } from './output.errors.js';
import { OutputService } from './output.service.js';

class FakeClient {
  readonly posted: OutgoingEnvelope[] = [];
  answer: (e: OutgoingEnvelope) => OlpAnswer = () => ({ status: 200, reply: { ok: true, data: { n: 1 } } });

  async post(envelope: OutgoingEnvelope): Promise<OlpAnswer> {
    this.posted.push(structuredClone(envelope));
    return this.answer(envelope);
  }
}

interface Queued {
  id: number;
  connector: string;
  line: string | null;
  method: string;
  data: string;
  dedupeKey: string | null;
}

class FakeOutbox {
  readonly rows: Queued[] = [];

  async enqueue(opts: Omit<Queued, 'id'> & { now: Date }): Promise<{ id: number; duplicate: boolean }> {
    const existing =
      opts.dedupeKey === null ? undefined : this.rows.find((r) => r.dedupeKey === opts.dedupeKey);
    if (existing) return { id: existing.id, duplicate: true };
    const id = this.rows.length + 1;
    const { connector, line, method, data, dedupeKey } = opts;
    this.rows.push({ id, connector, line, method, data, dedupeKey });
    return { id, duplicate: false };
  }

  async findByDedupeKey(key: string): Promise<OutboxCallRow | undefined> {
    const row = this.rows.find((r) => r.dedupeKey === key);
    return row ? ({ id: row.id } as OutboxCallRow) : undefined;
  }
}

class RecordingProcessor implements OutgoingProcessor {
  readonly seen: { ctx: { connector: string; line: string | null; method: string }; items: unknown[] }[] = [];

  constructor(
    private readonly prefix: string,
    private readonly tag: string,
  ) {}

  matches(connector: string): boolean {
    return connector.startsWith(this.prefix);
  }

  async process(ctx: { connector: string; line: string | null; method: string }, items: unknown[]) {
    this.seen.push({ ctx, items });
    return items.map((item) => ({ ...(item as object), [this.tag]: true }));
  }
}

const TTL = 60_000;

function setup(processors: OutgoingProcessor[] = []) {
  const config = PortalConfig.fromEnv({
    DATA_DIR: '/nonexistent/sb-output-unit',
    AUTH_SECRET: 'unit-test-auth-secret-of-32-characters!',
    OLP_KEYS: generateKeySpec('k1'),
    OUTPUT_CACHE_TTL_MS: String(TTL),
  });
  const clock = new ManualClock();
  const client = new FakeClient();
  const outbox = new FakeOutbox();
  let notified = 0;
  const worker = { notify: () => void notified++ } as unknown as OutboxWorker;
  const output = new OutputService(
    config,
    clock,
    client as unknown as OlpHttpClient,
    outbox as unknown as OutboxRepository,
    worker,
    OutgoingProcessorRegistry.of(processors),
  );
  return { output, clock, client, outbox, notified: () => notified };
}

const item = { im: { chat_id: '1', message_id: '2' }, chat: { id: 'c1' }, message: { text: 'hi' } };

describe(OutputService.name, () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  describe('connector', () => {
    it('should turn any property name into a call with the positional arguments as data', async () => {
      const result = await t.output.connector('telegrambot', '7').someNewMethod('a', { b: 2 }, [3]);

      expect(result).toEqual({ n: 1 });
      expect(t.client.posted).toEqual([
        { command: 'someNewMethod', connector: 'telegrambot', line: '7', data: ['a', { b: 2 }, [3]] },
      ]);
    });

    it('should send portal-wide methods on connector all with a null line', async () => {
      await t.output.connector('all', null).deleteLine('7');

      expect(t.client.posted).toEqual([{ command: 'deleteLine', connector: 'all', line: null, data: ['7'] }]);
    });

    it('should not be mistaken for a thenable, and make no call when awaited', async () => {
      const out = t.output.connector('telegrambot', '7');

      const awaited = await (out as unknown);
      const resolved = await Promise.resolve(out);

      expect(awaited).toBe(out);
      expect(resolved).toBe(out);
      expect(out.then).toBeUndefined();
      expect(t.client.posted).toEqual([]);
    });

    it('should answer symbols and serialization probes with undefined, making no call', () => {
      const out = t.output.connector('telegrambot', '7');

      expect((out as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
      expect((out as unknown as Record<symbol, unknown>)[Symbol.toPrimitive]).toBeUndefined();
      expect(JSON.stringify(out)).toBe('{}');
      expect(Object.keys(out)).toEqual([]);
      expect(t.client.posted).toEqual([]);
      expect(t.outbox.rows).toEqual([]);
    });

    it('should refuse to be written to', () => {
      const out = t.output.connector('telegrambot', '7');

      expect(() => {
        out.sendMessage = async () => undefined;
      }).toThrow(TypeError);
    });

    it('should reject an empty connector, an over-long line and an empty key', () => {
      expect(() => t.output.connector('', '1')).toThrow(TypeError);
      expect(() => t.output.connector('x', 'l'.repeat(65))).toThrow(TypeError);
      expect(() => t.output.connector('x', '1', { key: '' })).toThrow(TypeError);
    });
  });

  describe('request/response methods', () => {
    it('should throw an OutputError with the server codes and HTTP status', async () => {
      t.client.answer = () => ({
        status: 404,
        reply: {
          ok: false,
          error: [
            { code: 'UNKNOWN_COMMAND', message: 'no such command' },
            { code: 'OTHER', message: 'second' },
          ],
        },
      });

      const err = await t.output
        .connector('telegrambot', '7')
        .fooBar()
        .catch((e: unknown) => e);

      expect(err).toBeInstanceOf(OutputError);
      expect(err).toMatchObject({
        code: 'UNKNOWN_COMMAND',
        codes: ['UNKNOWN_COMMAND', 'OTHER'],
        status: 404,
      });
    });

    it('should throw MALFORMED_REPLY when a success has no OLP body', async () => {
      t.client.answer = () => ({ status: 200, reply: undefined });

      await expect(t.output.connector('x', '1').testConnect()).rejects.toMatchObject({
        code: 'MALFORMED_REPLY',
        status: 200,
      });
    });
  });

  describe('cached reads', () => {
    it('should answer infoConnectorsLine from the cache until the TTL passes', async () => {
      const all = t.output.connector('all', null);

      const first = await all.infoConnectorsLine('7');
      (first as { n: number }).n = 99;
      const second = await all.infoConnectorsLine('7');
      t.clock.advance(TTL);
      await all.infoConnectorsLine('7');

      expect(second).toEqual({ n: 1 });
      expect(t.client.posted.map((p) => p.command)).toEqual(['infoConnectorsLine', 'infoConnectorsLine']);
    });

    it('should cache per arguments, connector and line', async () => {
      await t.output.connector('all', null).infoConnectorsLine('7');
      await t.output.connector('all', null).infoConnectorsLine('8');
      await t.output.connector('telegrambot', '7').listConnector();
      await t.output.connector('telegrambot', '8').listConnector();

      expect(t.client.posted).toHaveLength(4);
    });

    it('should not cache a failure', async () => {
      t.client.answer = () => ({
        status: 503,
        reply: { ok: false, error: [{ code: 'BUSY', message: 'later' }] },
      });
      await expect(t.output.connector('x', '1').listConnector()).rejects.toBeInstanceOf(OutputError);
      t.client.answer = () => ({ status: 200, reply: { ok: true, data: ['x'] } });

      await expect(t.output.connector('x', '1').listConnector()).resolves.toEqual(['x']);
      expect(t.client.posted).toHaveLength(2);
    });

    it('should forget cached answers after another request/response call', async () => {
      const out = t.output.connector('telegrambot', '7');
      await out.listConnector();

      await out.saveSettings({ token: 't' });
      await out.listConnector();

      expect(t.client.posted.map((p) => p.command)).toEqual([
        'listConnector',
        'saveSettings',
        'listConnector',
      ]);
    });
  });

  describe('fire-and-forget methods', () => {
    it('should queue the call and resolve with its outbox id, sending nothing itself', async () => {
      const result = await t.output.connector('telegrambot', '7').setStatusReading([{ chat: { id: 'c' } }]);

      expect(result).toEqual({ queued: true, outboxId: 1 });
      expect(t.outbox.rows).toMatchObject([
        { connector: 'telegrambot', line: '7', method: 'setStatusReading', data: '[[{"chat":{"id":"c"}}]]' },
      ]);
      expect(t.client.posted).toEqual([]);
      expect(t.notified()).toBe(1);
    });

    it('should queue a call with the same idempotency key only once', async () => {
      const first = await t.output.connector('telegrambot', '7', { key: 'msg:42' }).sendMessage([item]);
      const again = await t.output.connector('telegrambot', '7', { key: 'msg:42' }).sendMessage([item]);
      const otherLine = await t.output.connector('telegrambot', '8', { key: 'msg:42' }).sendMessage([item]);

      expect(first).toEqual({ queued: true, outboxId: 1 });
      expect(again).toEqual({ queued: true, outboxId: 1, duplicate: true });
      expect(otherLine).toEqual({ queued: true, outboxId: 2 });
      expect(t.outbox.rows).toHaveLength(2);
    });

    it('should refuse a call the server could never take, queuing nothing', async () => {
      const huge = 'x'.repeat(11 * 1024 * 1024);

      await expect(t.output.connector('x', '1').setStatusDelivered([huge])).rejects.toMatchObject({
        code: 'PACKET_TOO_LARGE',
      });
      expect(t.outbox.rows).toEqual([]);
    });
  });

  describe('outgoing processors', () => {
    it('should run the matching processors in order before queuing sendMessage', async () => {
      const a = new RecordingProcessor('botframework', 'a');
      const b = new RecordingProcessor('botframework.', 'b');
      const other = new RecordingProcessor('telegram', 'other');
      t = setup([a, b, other]);

      await t.output.connector('botframework.skype', '7').sendMessage([item], 'extra');

      expect(a.seen).toEqual([
        { ctx: { connector: 'botframework.skype', line: '7', method: 'sendMessage' }, items: [item] },
      ]);
      expect(b.seen[0]?.items).toEqual([{ ...item, a: true }]);
      expect(other.seen).toEqual([]);
      expect(JSON.parse(t.outbox.rows[0]?.data ?? 'null')).toEqual([
        [{ ...item, a: true, b: true }],
        'extra',
      ]);
    });

    it('should not run processors for a call already queued under the same key', async () => {
      const a = new RecordingProcessor('bf', 'a');
      t = setup([a]);

      await t.output.connector('bf', '7', { key: 'k' }).updateMessage([item]);
      await t.output.connector('bf', '7', { key: 'k' }).updateMessage([item]);

      expect(a.seen).toHaveLength(1);
    });

    it('should refuse a processed method whose first argument is not a list', async () => {
      await expect(t.output.connector('bf', '7').deleteMessage(item)).rejects.toThrow(TypeError);
      expect(t.outbox.rows).toEqual([]);
    });
  });
});
