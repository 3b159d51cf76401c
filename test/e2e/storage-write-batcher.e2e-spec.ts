import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Prisma } from '../../src/generated/portal-sqlite/client.js';
import { WriteBatcher, type BatchExecutor, type UnitRows } from '../../src/portal/storage/write-batcher.js';
import { openTestStorage, type TestStorage } from '../support/database-module.js';

/** The database's real executor, counting the transactions it runs (one per batch). */
class CountingExecutor implements BatchExecutor {
  batches: number[] = [];
  constructor(private readonly inner: BatchExecutor) {}
  run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
    this.batches.push(units.length);
    return this.inner.run(units);
  }
}

describe(WriteBatcher.name, () => {
  let storage: TestStorage;
  let executor: CountingExecutor;
  let batcher: WriteBatcher;
  let next = 0;

  beforeAll(async () => {
    storage = await openTestStorage();
    executor = new CountingExecutor(storage.db.batchExecutor);
    batcher = new WriteBatcher(executor);
  });
  afterAll(async () => {
    await storage.close();
  });
  beforeEach(() => {
    executor.batches = [];
  });

  const expiresAt = () => new Date(storage.clock.nowMs() + 600_000);

  /** A jti insert that reports whether it stored the pair, as SeenJtiRepository writes it. */
  const insertJti = (jti: string) => Prisma.sql`
    INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${expiresAt()})
    ON CONFLICT (iss, jti) DO NOTHING RETURNING jti`;

  /** The same insert without ON CONFLICT: raises on a repeat. */
  const insertJtiStrictly = (jti: string) =>
    Prisma.sql`INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${expiresAt()}) RETURNING jti`;

  const stored = async (jtis: string[]) =>
    (
      await storage.db.client.seenJti.findMany({
        where: { iss: 'batcher', jti: { in: jtis } },
        orderBy: { jti: 'asc' },
      })
    ).map((r) => r.jti);

  const unique = (label: string) => `${label}-${++next}`;

  describe('write', () => {
    it('should store every date of a batch as Prisma reads it back, repeated or not', async () => {
      const base = storage.clock.nowMs();
      const dates = [base + 1_000, base + 1_000, base + 2_000, base + 1_000].map((ms) => new Date(ms));
      const jtis = dates.map((_, i) => unique(`date${i}`));
      await Promise.all(
        jtis.map((jti, i) =>
          batcher.write([
            Prisma.sql`INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${dates[i]})`,
          ]),
        ),
      );
      expect(executor.batches).toEqual([4]);
      const rows = await storage.db.client.seenJti.findMany({ where: { iss: 'batcher', jti: { in: jtis } } });
      const byJti = new Map(rows.map((r) => [r.jti, r.expiresAt.getTime()]));
      expect(jtis.map((jti) => byJti.get(jti))).toEqual(dates.map((d) => d.getTime()));
    });

    it('should commit the units of concurrent callers in one transaction and give each its own rows', async () => {
      const [a, b, c] = [unique('a'), unique('b'), unique('c')];
      await batcher.write([insertJti(a)]);

      const results = await Promise.all([
        batcher.write([insertJti(a)]),
        batcher.write([insertJti(b), insertJti(b)]),
        batcher.write([insertJti(c)]),
      ]);

      expect(results).toEqual([[[]], [[{ jti: b }], []], [[{ jti: c }]]]);
      expect(executor.batches).toEqual([1, 3]);
      expect(await stored([a, b, c])).toEqual([a, b, c].sort());
    });

    it('should store dates so that Prisma reads them back unchanged', async () => {
      const jti = unique('date');
      const at = new Date('2031-02-03T04:05:06.789Z');
      await batcher.write([
        Prisma.sql`INSERT INTO seen_jtis (iss, jti, expires_at) VALUES ('batcher', ${jti}, ${at})`,
      ]);

      const row = await storage.db.client.seenJti.findUnique({ where: { iss_jti: { iss: 'batcher', jti } } });
      expect(row?.expiresAt).toEqual(at);
      const due = await storage.db.client.seenJti.count({ where: { jti, expiresAt: { lte: at } } });
      expect(due).toBe(1);
    });

    it('should fail only the unit whose statement fails and store the others once', async () => {
      const [taken, before, after] = [unique('taken'), unique('before'), unique('after')];
      await batcher.write([insertJti(taken)]);

      const outcomes = await Promise.allSettled([
        batcher.write([insertJti(before)]),
        batcher.write([insertJtiStrictly(taken)]),
        batcher.write([insertJti(after)]),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(outcomes[0]).toMatchObject({ value: [[{ jti: before }]] });
      expect(outcomes[2]).toMatchObject({ value: [[{ jti: after }]] });
      expect(await stored([before, after])).toEqual([after, before]);
    });

    it('should keep a unit atomic when it runs alone after a failed batch', async () => {
      const [taken, fresh, other] = [unique('taken'), unique('fresh'), unique('other')];
      await batcher.write([insertJti(taken)]);

      const outcomes = await Promise.allSettled([
        batcher.write([insertJti(fresh), insertJtiStrictly(taken)]),
        batcher.write([insertJti(other)]),
      ]);

      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
      expect(await stored([fresh, other])).toEqual([other]);
    });

    it('should run units in the order they were written, also across batches', async () => {
      const connector = unique('order');
      const enqueue = (method: string) =>
        batcher.write<[{ id: number | bigint }[]]>([
          Prisma.sql`
            INSERT INTO outbox_calls (connector, line_id, method, data, state, attempts, next_attempt_at, created_at)
            VALUES (${connector}, NULL, ${method}, '[]', 'failed', 0, ${storage.clock.now()}, ${storage.clock.now()})
            RETURNING id`,
        ]);
      const first = Array.from({ length: 5 }, (_, i) => enqueue(`m${i}`));
      // The first batch is cut and in flight by the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      const second = Array.from({ length: 5 }, (_, i) => enqueue(`m${i + 5}`));

      const ids = (await Promise.all([...first, ...second])).map(([rows]) => Number(rows[0]?.id));

      expect(executor.batches).toEqual([5, 5]);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const rows = await storage.db.client.outboxCall.findMany({
        where: { connector },
        orderBy: { id: 'asc' },
      });
      expect(rows.map((r) => r.method)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    });
  });

  describe('lock order', () => {
    /** Answers every statement with its own text, and keeps each batch's order. */
    class EchoExecutor implements BatchExecutor {
      readonly parallelism = 2;
      batches: string[][] = [];
      run(units: readonly (readonly Prisma.Sql[])[]): Promise<UnitRows[]> {
        this.batches.push(units.map((statements) => statements[0].sql));
        return Promise.resolve(units.map((statements) => statements.map((s) => [s.sql])));
      }
    }

    it('should run the units of a batch in lock order, keeping the queue order of equal locks', async () => {
      const echo = new EchoExecutor();
      const ordered = new WriteBatcher(echo);
      const unit = (name: string, lockKey?: string) =>
        ordered.write([Prisma.sql([`SELECT '${name}'`])], lockKey === undefined ? {} : { lockKey });

      const rows = await Promise.all([
        unit('b1', 'line-b'),
        unit('a1', 'line-a'),
        unit('free'),
        unit('a2', 'line-a'),
      ]);

      expect(echo.batches).toEqual([["SELECT 'free'", "SELECT 'a1'", "SELECT 'a2'", "SELECT 'b1'"]]);
      // Each caller still gets its own rows.
      expect(rows.map(([r]) => r[0])).toEqual(["SELECT 'b1'", "SELECT 'a1'", "SELECT 'free'", "SELECT 'a2'"]);
    });
  });
});
