import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { olpMessage, statusItem } from '../factories/packet.factory.js';
import type { PortalEventMap } from '../../src/portal/events/events.js';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { AdminAlertsRepository } from '../../src/portal/open-lines/alerts/admin-alerts.repository.js';
import { AdminAlertsService } from '../../src/portal/open-lines/alerts/admin-alerts.service.js';
import { Metrics } from '../../src/common/metrics.js';
import { FailedInbox } from '../../src/portal/input/inbox/failed-inbox.service.js';
import { InboxMessageProcessor } from '../../src/portal/input/inbox/inbox-message.processor.js';
import { toInboxStatus } from '../../src/portal/input/inbox/inbox-status.js';
import { InboxStatusProcessor } from '../../src/portal/input/inbox/inbox-status.processor.js';
import {
  defaultInboxWorkerOptions,
  type InboxWorkerOptions,
} from '../../src/portal/input/inbox/inbox-worker.options.js';
import { InboxRepository } from '../../src/portal/input/inbox/inbox.repository.js';
import { InboxWorker } from '../../src/portal/input/inbox/inbox.worker.js';
import { JtiReplayCache } from '../../src/portal/input/signature/jti-replay-cache.js';
import { SeenJtiRepository } from '../../src/portal/input/signature/seen-jti.repository.js';
import type { MessageContext, PipelineStep } from '../../src/portal/pipelines/pipeline.js';
import { PipelineRunner } from '../../src/portal/pipelines/pipeline-runner.js';
import type { PortalConfig } from '../../src/portal/config.js';
import { PortalWorkerOwner } from '../../src/portal/storage/portal-worker-owner.js';
import { WorkerOwnerRepository } from '../../src/portal/storage/worker-owner.repository.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { WriteBatcher } from '../../src/portal/storage/write-batcher.js';
import type { OlpMessage } from '../../src/protocol/index.js';
import { openTestStorage, type TestStorage } from '../support/database-module.js';

const MAX_ATTEMPTS = 3;
const options: InboxWorkerOptions = {
  ...defaultInboxWorkerOptions,
  backoffBaseMs: 1_000,
  shutdownGraceMs: 50,
};

/** Stands in for the real steps: resolves the customer, and fails or waits when a test says so. */
class ScriptedStep implements PipelineStep {
  readonly name = 'scripted';
  failures = new Map<string, number>();
  gates = new Map<string, Promise<void>>();
  readonly started: string[] = [];

  async run(ctx: MessageContext): Promise<void> {
    const id = ctx.message.message.id;
    this.started.push(id);
    await this.gates.get(id);
    const left = this.failures.get(id) ?? 0;
    if (left > 0) {
      this.failures.set(id, left - 1);
      throw new Error(`step failed for ${id}`);
    }
    ctx.userId = 1000;
    ctx.text = `${ctx.text} (processed)`;
  }
}

describe('Input inbox (database)', () => {
  let storage: TestStorage;
  let inbox: InboxRepository;

  beforeAll(async () => {
    storage = await openTestStorage({ INBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
    inbox = new InboxRepository(storage.db, storage.batcher);
  });
  afterAll(async () => {
    await storage.close();
  });

  let line = 0;
  /** Every test gets its own line, so rows of other tests never mix in. */
  let lineId: string;
  beforeEach(() => {
    lineId = `L${++line}`;
  });

  const store = (messages: OlpMessage[], opts: { connector?: string; line?: string } = {}) =>
    inbox.storePacket({
      connector: opts.connector ?? 'telegrambot',
      line: opts.line ?? lineId,
      now: storage.clock.now(),
      messages: messages.map((m) => ({
        chatId: m.chat.id,
        messageId: m.message.id,
        typeMessage: m.type_message,
        payload: JSON.stringify(m),
      })),
    });

  const rowsOfLine = () =>
    storage.db.client.inboxMessage.findMany({ where: { lineId }, orderBy: { id: 'asc' } });

  describe(InboxRepository.name, () => {
    describe('storePacket', () => {
      it('should store new messages in packet order and mark repeats as duplicates', async () => {
        const [a, b] = [olpMessage({ chatId: 'c1' }), olpMessage({ chatId: 'c2' })];
        const first = await store([a, b]);
        expect(first.map((r) => r.duplicate)).toEqual([false, false]);
        expect(first[0].id).toBeLessThan(first[1].id);

        const again = await store([b, a, a]);
        expect(again).toEqual([
          { id: first[1].id, duplicate: true },
          { id: first[0].id, duplicate: true },
          { id: first[0].id, duplicate: true },
        ]);
        expect(await rowsOfLine()).toMatchObject([
          {
            chatId: 'c1',
            messageId: a.message.id,
            state: 'pending',
            attempts: 0,
            nextAttemptAt: storage.clock.now(),
          },
          { chatId: 'c2', messageId: b.message.id, state: 'pending', attempts: 0 },
        ]);
      });

      it('should tell messages apart by type_message, line and connector', async () => {
        const m = olpMessage({ chatId: 'c1', messageId: 'same' });
        const results = [
          ...(await store([m, { ...m, type_message: 'message_update' }])),
          ...(await store([m], { connector: 'viber' })),
          ...(await store([m], { line: `${lineId}-other` })),
        ];
        expect(results.map((r) => r.duplicate)).toEqual([false, false, false, false]);
      });

      it('should store a packet sent twice at the same moment once', async () => {
        const messages = Array.from({ length: 20 }, (_, i) => olpMessage({ chatId: `c${i % 3}` }));
        const [x, y] = await Promise.all([store(messages), store(messages)]);
        expect(await rowsOfLine()).toHaveLength(20);
        // Whichever ran second saw every message of the first.
        const duplicates = [x, y].map((r) => r.filter((m) => m.duplicate).length).sort((p, q) => p - q);
        expect(duplicates).toEqual([0, 20]);
      });
    });
  });

  describe(InboxWorker.name, () => {
    let step: ScriptedStep;
    let emitter: EventEmitter2;
    let received: PortalEventMap['OnReceivedMessage'][];
    let workers: InboxWorker[];
    let owners: PortalWorkerOwner[];

    /** Each worker stands for a process of its own: an owner of its own, on an instance of its own. */
    const newWorker = (db: DatabaseService = storage.db, instance = `worker-${owners.length + 1}`) => {
      const owner = new PortalWorkerOwner(new WorkerOwnerRepository(db), storage.clock, {
        workerOwner: { ...storage.config.workerOwner, instance },
      } as PortalConfig);
      owners.push(owner);
      const events = new PortalEvents(emitter);
      const processor = new InboxMessageProcessor(
        new PipelineRunner([step]),
        events,
        new InboxStatusProcessor(events),
      );
      const worker = new InboxWorker(
        new InboxRepository(db, WriteBatcher.for(db)),
        processor,
        storage.clock,
        storage.config,
        new AdminAlertsService(new AdminAlertsRepository(db), storage.clock),
        owner,
        options,
      );
      workers.push(worker);
      return worker;
    };

    beforeEach(async () => {
      step = new ScriptedStep();
      emitter = new EventEmitter2();
      received = [];
      workers = [];
      owners = [];
      emitter.on('OnReceivedMessage', (p: PortalEventMap['OnReceivedMessage']) => {
        received.push(p);
      });
      // Rows of earlier tests must not be due any more: finish them.
      await storage.db.client.inboxMessage.updateMany({ where: {}, data: { state: 'done' } });
    });
    afterEach(async () => {
      for (const w of workers) await w.stop();
      for (const o of owners) o.stop();
    });

    it('should run each due message through the pipeline, fire its event and mark it done', async () => {
      const m = olpMessage({ chatId: 'c1', text: 'hi' });
      const [stored] = await store([m]);
      expect(await newWorker().runDue()).toEqual(['done']);
      expect(received).toEqual([
        {
          connector: 'telegrambot',
          line: lineId,
          inboxId: stored.id,
          userId: 1000,
          text: 'hi (processed)',
          fileIds: [],
          fileErrors: [],
          message: m,
        },
      ]);
      expect(await inbox.findById(stored.id)).toMatchObject({
        state: 'done',
        attempts: 1,
        processedAt: storage.clock.now(),
      });
    });

    it('should apply a status report after the messages its chat received before it, and alone', async () => {
      const worker = newWorker();
      const delivered: PortalEventMap['OnReceivedStatusDelivery'][] = [];
      emitter.on('OnReceivedStatusDelivery', (p: PortalEventMap['OnReceivedStatusDelivery']) => {
        delivered.push(p);
      });
      const m = olpMessage({ chatId: 'c1' });
      step.failures.set(m.message.id, 1);
      await store([m]);
      const item = statusItem({ chatId: 'c1' });
      await inbox.storePacket({
        connector: 'telegrambot',
        line: lineId,
        now: storage.clock.now(),
        messages: [toInboxStatus('receivingStatusDelivery', item)],
      });
      // The message waits for its retry, and the report of its chat with it.
      expect(await worker.runDue()).toEqual(['retry']);
      expect(delivered).toEqual([]);
      storage.clock.advance(1_000);
      expect(await worker.runDue()).toEqual(['done', 'done']);
      expect(received.map((p) => p.message.message.id)).toEqual([m.message.id]);
      expect(delivered).toEqual([{ connector: 'telegrambot', line: lineId, items: [item] }]);
      // The report never went through the message pipeline.
      expect(step.started).toEqual([m.message.id, m.message.id]);
    });

    it('should fail a message whose pipeline resolved no customer, rather than fire a half event', async () => {
      const worker = newWorker();
      step.run = async () => undefined;
      const [stored] = await store([olpMessage()]);
      expect(await worker.runDue()).toEqual(['retry']);
      expect((await inbox.findById(stored.id))?.lastError).toMatch(/no userId/);
      expect(received).toEqual([]);
    });

    it('should retry with exponential backoff, then keep the message as failed with its error', async () => {
      const worker = newWorker();
      const m = olpMessage({ chatId: 'c1' });
      step.failures.set(m.message.id, 99);
      const [stored] = await store([m]);
      const start = storage.clock.nowMs();

      expect(await worker.runDue()).toEqual(['retry']);
      let row = await inbox.findById(stored.id);
      expect(row).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: `Error: step failed for ${m.message.id}`,
      });
      expect(row!.nextAttemptAt.getTime()).toBe(start + 1_000);

      storage.clock.advance(999);
      expect(await worker.runDue()).toEqual([]);
      storage.clock.advance(1);
      expect(await worker.runDue()).toEqual(['retry']);
      row = await inbox.findById(stored.id);
      expect(row).toMatchObject({ state: 'pending', attempts: 2 });
      expect(row!.nextAttemptAt.getTime()).toBe(start + 1_000 + 2_000);

      storage.clock.advance(2_000);
      expect(await worker.runDue()).toEqual(['failed']);
      row = await inbox.findById(stored.id);
      expect(row).toMatchObject({
        state: 'failed',
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringContaining('step failed'),
      });

      storage.clock.advance(3_600_000);
      expect(await worker.runDue()).toEqual([]);
      expect(received).toEqual([]);
    });

    it('should raise an admin alert for a parked message, and process it once replayed', async () => {
      const worker = newWorker();
      const replays = new FailedInbox(inbox, worker, new Metrics(), storage.clock);
      const m = olpMessage({ chatId: 'c1' });
      step.failures.set(m.message.id, MAX_ATTEMPTS);
      const [stored] = await store([m]);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await worker.runDue();
        storage.clock.advance(60_000);
      }
      expect(await inbox.findById(stored.id)).toMatchObject({ state: 'failed' });
      const [alert] = await storage.db.client.adminAlert.findMany({ orderBy: { id: 'desc' }, take: 1 });
      expect(alert).toMatchObject({ kind: 'inbox_failed', connector: 'telegrambot', lineId: null });
      expect(alert?.message).toContain(`inbox row ${stored.id} (telegrambot line ${lineId} chat c1`);
      expect(alert?.message).toContain(`step failed for ${m.message.id}`);
      expect(alert?.message).toContain(`POST /api/inbox/failed/${stored.id}/replay`);
      expect((await replays.list(10)).map((r) => r.id)).toContain(stored.id);

      expect(await replays.replay(stored.id)).toBe('replayed');
      expect(await inbox.findById(stored.id)).toMatchObject({ state: 'pending', attempts: 0 });
      expect(await worker.runDue()).toEqual(['done']);
      expect(received.map((e) => e.message.message.id)).toEqual([m.message.id]);
      expect(await replays.replay(stored.id)).toBe('not_failed');
      expect(await replays.replay(2_000_000_000)).toBe('unknown');
    });

    it('should keep the later messages of a chat behind an earlier one that is retrying', async () => {
      const worker = newWorker();
      const [m1, m2, m3] = [
        olpMessage({ chatId: 'c1' }),
        olpMessage({ chatId: 'c1' }),
        olpMessage({ chatId: 'c1' }),
      ];
      const other = olpMessage({ chatId: 'c2' });
      step.failures.set(m1.message.id, 1);
      await store([m1, m2, other]);
      await store([m3]);

      await worker.runDue();
      expect(received.map((p) => p.message.message.id)).toEqual([other.message.id]);
      expect(step.started).not.toContain(m2.message.id);

      storage.clock.advance(1_000);
      await worker.runDue();
      expect(received.map((p) => p.message.message.id)).toEqual([
        other.message.id,
        m1.message.id,
        m2.message.id,
        m3.message.id,
      ]);
    });

    it('should find the heads of other chats behind a long backlog of one chat', async () => {
      const repository = new InboxRepository(storage.db, WriteBatcher.for(storage.db));
      const backlog = Array.from({ length: 40 }, () => olpMessage({ chatId: 'busy' }));
      const others = [olpMessage({ chatId: 'quiet-1' }), olpMessage({ chatId: 'quiet-2' })];
      await store(backlog);
      await store(others);

      const heads = await repository.findDueHeads({ now: storage.clock.now(), limit: 3 });

      expect(heads.map((h) => h.messageId)).toEqual([
        backlog[0].message.id,
        others[0].message.id,
        others[1].message.id,
      ]);
    });

    it('should delete processed messages only past their retention, keeping failed and open ones', async () => {
      const worker = newWorker();
      const [old, failing] = [olpMessage({ chatId: 'r1' }), olpMessage({ chatId: 'r2' })];
      step.failures.set(failing.message.id, MAX_ATTEMPTS);
      await store([old, failing]);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await worker.runDue();
        storage.clock.advance(60_000);
      }
      storage.clock.advance(options.retainDoneMs - 60_000);
      const fresh = olpMessage({ chatId: 'r3' });
      await store([fresh]);
      await worker.runDue();

      await worker.purgeDone();

      const kept = await storage.db.client.inboxMessage.findMany({
        where: { chatId: { in: ['r1', 'r2', 'r3'] } },
        select: { messageId: true, state: true },
      });
      expect(kept).toEqual(
        expect.arrayContaining([
          { messageId: failing.message.id, state: 'failed' },
          { messageId: fresh.message.id, state: 'done' },
        ]),
      );
      expect(kept.map((r) => r.messageId)).not.toContain(old.message.id);
      // A repeat of a message still kept is still recognised.
      expect((await store([fresh]))[0].duplicate).toBe(true);
    });

    it('should let the rest of a chat go on once an earlier message failed for good', async () => {
      const worker = newWorker();
      const [m1, m2] = [olpMessage({ chatId: 'c1' }), olpMessage({ chatId: 'c1' })];
      step.failures.set(m1.message.id, 99);
      await store([m1, m2]);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await worker.runDue();
        storage.clock.advance(60_000);
      }
      expect(received.map((p) => p.message.message.id)).toEqual([m2.message.id]);
      expect((await rowsOfLine()).map((r) => r.state)).toEqual(['failed', 'done']);
    });

    it('should take over a message whose claim ran out (its process died), and fence the old claim', async () => {
      const [a, b] = [newWorker(), newWorker()];
      const m = olpMessage({ chatId: 'c1' });
      let release!: () => void;
      step.gates.set(
        m.message.id,
        new Promise<void>((r) => {
          release = r;
        }),
      );
      await store([m]);
      const stuck = a.runDue();
      await waitUntil(() => step.started.length === 1);

      expect(await b.runDue()).toEqual([]);
      storage.clock.advance(options.leaseMs);
      step.gates.delete(m.message.id);
      expect(await b.runDue()).toEqual(['done']);

      release();
      expect(await stuck).toEqual(['lost']);
      expect(received).toHaveLength(2);
      expect(new Set(received.map((p) => p.inboxId)).size).toBe(1);
      expect((await rowsOfLine())[0]).toMatchObject({ state: 'done', attempts: 2 });
    });

    /** Worker `a` claims one message and hangs in it; resolves with what `a` returns once released. */
    const stuckIn = async (a: InboxWorker, m: OlpMessage) => {
      let release!: () => void;
      step.gates.set(
        m.message.id,
        new Promise<void>((r) => {
          release = r;
        }),
      );
      await store([m]);
      const stuck = a.runDue();
      await waitUntil(() => step.started.length === 1);
      return { stuck, release: () => release() };
    };

    it('should take back a message whose owner went silent, long before its lease, and fence the old claim', async () => {
      const [a, b] = [newWorker(), newWorker()];
      const m = olpMessage({ chatId: 'c1' });
      const { stuck, release } = await stuckIn(a, m);

      expect(await b.runDue()).toEqual([]);
      // a's heartbeat is now older than the liveness window (the manual clock moved, a's did not beat).
      const silence = storage.config.workerOwner.timeoutMs + 1;
      expect(silence).toBeLessThan(options.leaseMs);
      storage.clock.advance(silence);
      step.gates.delete(m.message.id);
      expect(await b.runDue()).toEqual(['done']);

      release();
      expect(await stuck).toEqual(['lost']);
      expect(new Set(received.map((p) => p.inboxId)).size).toBe(1);
      expect((await rowsOfLine())[0]).toMatchObject({ state: 'done', attempts: 2 });
    });

    it('should let a new process of the same instance take back its predecessor’s message at once', async () => {
      const a = newWorker(storage.db, 'host-1');
      const other = newWorker(storage.db, 'host-2');
      const m = olpMessage({ chatId: 'c1' });
      const { stuck, release } = await stuckIn(a, m);
      expect(await other.runDue()).toEqual([]);

      // No time passes: starting on instance host-1 is what makes a's claims dead.
      step.gates.delete(m.message.id);
      expect(await newWorker(storage.db, 'host-1').runDue()).toEqual(['done']);
      release();
      expect(await stuck).toEqual(['lost']);
      expect((await rowsOfLine())[0]).toMatchObject({ state: 'done', attempts: 2 });
    });

    it('should hand unfinished messages back on stop, due at once', async () => {
      const worker = newWorker();
      const m = olpMessage({ chatId: 'c1' });
      step.gates.set(m.message.id, new Promise<void>(() => undefined));
      await store([m]);
      worker.start();
      await waitUntil(() => step.started.length === 1);
      await worker.stop();
      expect((await rowsOfLine())[0]).toMatchObject({
        state: 'pending',
        attempts: 1,
        nextAttemptAt: storage.clock.now(),
      });
    });

    it('should process every message exactly once when two processes share the database', async () => {
      const second = new DatabaseService(storage.config);
      await second.connect();
      try {
        const [a, b] = [newWorker(), newWorker(second)];
        const messages = Array.from({ length: 30 }, (_, i) => olpMessage({ chatId: `c${i % 6}` }));
        await store(messages);
        await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
        const ids = received.map((p) => p.message.message.id);
        expect(ids.sort()).toEqual(messages.map((m) => m.message.id).sort());
        for (let chat = 0; chat < 6; chat++) {
          const ofChat = received.filter((p) => p.message.chat.id === `c${chat}`).map((p) => p.inboxId);
          expect(ofChat).toEqual([...ofChat].sort((x, y) => x - y));
        }
        expect((await rowsOfLine()).every((r) => r.state === 'done' && r.attempts === 1)).toBe(true);
      } finally {
        await second.onModuleDestroy();
      }
    });
  });

  describe(JtiReplayCache.name, () => {
    it('should remember a jti durably, across instances sharing the database', async () => {
      const expiresAt = new Date(storage.clock.nowMs() + 600_000);
      const one = new JtiReplayCache(new SeenJtiRepository(storage.db, storage.batcher), storage.clock);
      const two = new JtiReplayCache(new SeenJtiRepository(storage.db, storage.batcher), storage.clock);
      expect(await one.remember('server-a', 'j-1', expiresAt)).toBe(true);
      expect(await two.remember('server-a', 'j-1', expiresAt)).toBe(false);
      expect(await two.remember('server-b', 'j-1', expiresAt)).toBe(true);
    });
  });

  describe(SeenJtiRepository.name, () => {
    it('should take over an expired row, keep a live one, and prune only expired rows', async () => {
      const jtis = new SeenJtiRepository(storage.db, storage.batcher);
      const now = storage.clock.now();
      const past = new Date(now.getTime() - 1);
      const later = new Date(now.getTime() + 600_000);
      await jtis.insert({ iss: 'p', jti: 'old', expiresAt: past });
      await jtis.insert({ iss: 'p', jti: 'live', expiresAt: later });
      expect(await jtis.reclaimExpired({ iss: 'p', jti: 'live', now, expiresAt: later })).toBe(false);
      expect(await jtis.reclaimExpired({ iss: 'p', jti: 'old', now, expiresAt: later })).toBe(true);
      await jtis.insert({ iss: 'p', jti: 'gone', expiresAt: past });
      expect(await jtis.deleteExpired({ now })).toBe(1);
      const left = await storage.db.client.seenJti.findMany({ where: { iss: 'p' }, orderBy: { jti: 'asc' } });
      expect(left.map((r) => r.jti)).toEqual(['live', 'old']);
    });
  });
});

async function waitUntil(pred: () => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > until) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
