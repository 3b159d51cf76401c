import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { OperatorEventsRepository } from './operator-events.repository.js';

describe(OperatorEventsRepository.name, () => {
  let storage: TestStorage;
  let repo: OperatorEventsRepository;

  beforeAll(async () => {
    storage = await openTestStorage();
    repo = new OperatorEventsRepository(storage.db);
  });
  afterAll(async () => {
    await storage.close();
  });

  describe('append', () => {
    it('should store an event with a dedupe key once, and ids in the order of the appends', async () => {
      const at = storage.clock.now();
      const event = { type: 'message.created', payload: { n: 1 }, lineId: '1', operatorId: null, at };
      const ids = await Promise.all(
        Array.from({ length: 6 }, (_, i) => repo.append({ ...event, dedupeKey: `k-${i % 3}` })),
      );
      expect(ids.filter((id) => id !== null)).toHaveLength(3);
      const rows = await repo.after({ afterId: 0, limit: 10 });
      expect(rows.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
      expect(await repo.lastId()).toBe(rows.at(-1)?.id);
    });
  });
});
