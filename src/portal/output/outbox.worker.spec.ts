import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ManualClock } from '../../common/clock.js';
import { generateKeySpec } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import type { OlpHttpClient, OutgoingEnvelope } from './olp-http.client.js';
import type { OlpAnswer } from './olp-reply.js';
import type { OutboxPolicy } from './outbox.policy.js';
import type { OutboxCallRow, OutboxRepository } from './outbox.repository.js';
import { OutboxWorker } from './outbox.worker.js';
import { OutputError } from './output.errors.js';

const policy: OutboxPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  // Long enough that only notify() can explain a prompt delivery.
  pollIntervalMs: 3_600_000,
  concurrency: 4,
  leaseMs: 90_000,
  retainSentMs: 3_600_000,
  purgeIntervalMs: 3_600_000,
};

const row = (id: number): OutboxCallRow => ({
  id,
  connector: 'telegrambot',
  line: '1',
  method: 'sendMessage',
  data: '[[]]',
  state: 'pending',
  attempts: 0,
  nextAttemptAt: new Date(0),
  lastError: null,
  errorCode: null,
  httpStatus: null,
  dedupeKey: null,
  createdAt: new Date(0),
  sentAt: null,
});

/** Hands out pending rows once each and records what the worker did with them. */
class FakeRepo {
  readonly pending: OutboxCallRow[] = [];
  readonly done: { op: string; id: number; nextAttemptAt?: Date }[] = [];
  private onDone: (() => void) | undefined;

  async claimDue(): Promise<OutboxCallRow[]> {
    return this.pending.splice(0);
  }
  async markSent(o: { id: number }) {
    return this.record('sent', o.id);
  }
  async markFailed(o: { id: number }) {
    return this.record('failed', o.id);
  }
  async scheduleRetry(o: { id: number; nextAttemptAt: Date }) {
    return this.record('retry', o.id, o.nextAttemptAt);
  }
  async release(o: { id: number; nextAttemptAt: Date }) {
    return this.record('release', o.id, o.nextAttemptAt);
  }
  async deleteSentBefore(): Promise<number> {
    return 0;
  }
  next(): Promise<void> {
    return new Promise((resolve) => (this.onDone = resolve));
  }
  private record(op: string, id: number, nextAttemptAt?: Date): boolean {
    this.done.push(nextAttemptAt ? { op, id, nextAttemptAt } : { op, id });
    this.onDone?.();
    return true;
  }
}

class FakeClient {
  answer: (signal: AbortSignal | undefined) => Promise<OlpAnswer> = async () => ({
    status: 202,
    reply: { ok: true, data: null },
  });
  started = 0;
  async post(_e: OutgoingEnvelope, opts: { signal?: AbortSignal } = {}): Promise<OlpAnswer> {
    this.started++;
    return this.answer(opts.signal);
  }
}

const hangUntilAborted = (signal: AbortSignal | undefined) =>
  new Promise<OlpAnswer>((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(OutputError.local('sendMessage', 'ABORTED', 'cancelled')));
  });

function setup() {
  const config = PortalConfig.fromEnv({
    DATA_DIR: '/nonexistent/sb-outbox-worker-unit',
    AUTH_SECRET: 'unit-test-auth-secret-of-32-characters!',
    OLP_KEYS: generateKeySpec('k1'),
    WORKERS: 'false',
  });
  const clock = new ManualClock();
  const repo = new FakeRepo();
  const client = new FakeClient();
  const worker = new OutboxWorker(
    config,
    repo as unknown as OutboxRepository,
    client as unknown as OlpHttpClient,
    clock,
    policy,
  );
  return { worker, repo, client, clock };
}

describe(OutboxWorker.name, () => {
  let t: ReturnType<typeof setup>;
  beforeAll(() => {
    // The worker logs every retry and refusal; these tests look at what it records instead.
    Logger.overrideLogger(false);
  });
  afterEach(async () => {
    await t.worker.stop();
  });

  describe('runOnce', () => {
    it('should schedule the next attempt with backoff after a transport failure', async () => {
      t = setup();
      t.client.answer = () => Promise.reject(OutputError.local('sendMessage', 'UNREACHABLE', 'refused'));
      t.repo.pending.push({ ...row(1), attempts: 2 });

      await t.worker.runOnce();

      expect(t.repo.done).toEqual([{ op: 'retry', id: 1, nextAttemptAt: new Date(t.clock.nowMs() + 4_000) }]);
    });

    it('should fail a call whose stored arguments are not a list, without sending it', async () => {
      t = setup();
      t.repo.pending.push({ ...row(1), data: '{"not":"a list"}' });

      await t.worker.runOnce();

      expect(t.repo.done).toEqual([{ op: 'failed', id: 1 }]);
      expect(t.client.started).toBe(0);
    });
  });

  describe('start', () => {
    it('should deliver what was queued as soon as it is notified', async () => {
      t = setup();
      t.worker.start();

      const delivered = t.repo.next();
      t.repo.pending.push(row(1));
      t.worker.notify();
      await delivered;

      expect(t.repo.done).toEqual([{ op: 'sent', id: 1 }]);
    });
  });

  describe('stop', () => {
    it('should cancel calls in flight and give them back untouched, due at once', async () => {
      t = setup();
      t.client.answer = hangUntilAborted;
      t.worker.start();
      const released = t.repo.next();
      t.repo.pending.push(row(1));
      t.worker.notify();
      while (t.client.started === 0) await new Promise((resolve) => setImmediate(resolve));

      await t.worker.stop();
      await released;

      expect(t.repo.done).toEqual([{ op: 'release', id: 1, nextAttemptAt: t.clock.now() }]);
    });
  });
});
