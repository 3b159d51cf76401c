import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Db } from '../../src/portal/storage/database.service.js';
import { WriteBatcher } from '../../src/portal/storage/write-batcher.js';
import { openTestStorage, type TestStorage } from '../support/database-module.js';

describe(WriteBatcher.name, () => {
  let storage: TestStorage;
  let batcher: WriteBatcher;
  let next = 0;

  beforeAll(async () => {
    storage = await openTestStorage();
    batcher = new WriteBatcher(storage.db);
  });
  afterAll(async () => {
    await storage.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const expiresAt = () => new Date(storage.clock.nowMs() + 600_000);

  /** A jti insert that reports whether it stored the pair, as SeenJtiRepository writes it. */
  const insertJti = (db: Db, jti: string) =>
    db.$queryRaw<{ jti: string }[]>`
      INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${expiresAt()})
      ON CONFLICT (iss, jti) DO NOTHING RETURNING jti`;

  /** The same insert without ON CONFLICT: raises on a repeat. */
  const insertJtiStrictly = (db: Db, jti: string) =>
    db.$executeRaw`INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${expiresAt()})`;

  const stored = async (jtis: string[]) =>
    (
      await storage.db.client.seenJti.findMany({
        where: { iss: 'batcher', jti: { in: jtis } },
        orderBy: { jti: 'asc' },
      })
    ).map((r) => r.jti);

  const unique = (label: string) => `${label}-${++next}`;

  describe('write', () => {
    it('should commit the units of concurrent callers in one transaction and give each its own results', async () => {
      const transaction = jest.spyOn(storage.db.client, '$transaction');
      const [a, b, c] = [unique('a'), unique('b'), unique('c')];
      await batcher.write((db) => [insertJti(db, a)]);

      const results = await Promise.all([
        batcher.write((db) => [insertJti(db, a)]),
        batcher.write((db) => [insertJti(db, b), insertJti(db, b)]),
        batcher.write((db) => [insertJti(db, c)]),
      ]);

      expect(results).toEqual([[[]], [[{ jti: b }], []], [[{ jti: c }]]]);
      expect(transaction).toHaveBeenCalledTimes(1);
      expect(await stored([a, b, c])).toEqual([a, b, c].sort());
    });

    it('should fail only the unit whose statement fails and store the others once', async () => {
      const [taken, before, after] = [unique('taken'), unique('before'), unique('after')];
      await batcher.write((db) => [insertJti(db, taken)]);

      const outcomes = await Promise.allSettled([
        batcher.write((db) => [insertJti(db, before)]),
        batcher.write((db) => [insertJtiStrictly(db, taken)]),
        batcher.write((db) => [insertJti(db, after)]),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(outcomes[0]).toMatchObject({ value: [[{ jti: before }]] });
      expect(outcomes[2]).toMatchObject({ value: [[{ jti: after }]] });
      expect(await stored([before, after])).toEqual([after, before]);
    });

    it('should keep a unit atomic when it runs alone after a failed batch', async () => {
      const [taken, fresh, other] = [unique('taken'), unique('fresh'), unique('other')];
      await batcher.write((db) => [insertJti(db, taken)]);

      const outcomes = await Promise.allSettled([
        batcher.write((db) => [insertJti(db, fresh), insertJtiStrictly(db, taken)]),
        batcher.write((db) => [insertJti(db, other)]),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(await stored([fresh, other])).toEqual([other]);
    });

    it('should reject a unit whose builder throws without touching the others', async () => {
      const ok = unique('ok');
      const outcomes = await Promise.allSettled([
        batcher.write(() => {
          throw new Error('cannot build');
        }),
        batcher.write((db) => [insertJti(db, ok)]),
      ]);

      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: new Error('cannot build') });
      expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: [[{ jti: ok }]] });
    });

    it('should run units in the order they were written, also across batches', async () => {
      const transaction = jest.spyOn(storage.db.client, '$transaction');
      const connector = unique('order');
      const enqueue = (method: string) =>
        batcher.write((db) => [
          db.$queryRaw<{ id: number | bigint }[]>`
            INSERT INTO outbox_calls (connector, line_id, method, data, state, attempts, next_attempt_at, created_at)
            VALUES (${connector}, NULL, ${method}, '[]', 'failed', 0, ${storage.clock.now()}, ${storage.clock.now()})
            RETURNING id`,
        ]);
      const first = Array.from({ length: 5 }, (_, i) => enqueue(`m${i}`));
      // The first batch is cut and in flight by the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      const second = Array.from({ length: 5 }, (_, i) => enqueue(`m${i + 5}`));

      const ids = (await Promise.all([...first, ...second])).map(([rows]) => Number(rows[0].id));

      expect(transaction).toHaveBeenCalledTimes(2);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const rows = await storage.db.client.outboxCall.findMany({
        where: { connector },
        orderBy: { id: 'asc' },
      });
      expect(rows.map((r) => r.method)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    });
  });
});
