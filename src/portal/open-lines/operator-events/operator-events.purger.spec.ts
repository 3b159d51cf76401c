import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { OperatorEventsPurger } from './operator-events.purger.js';
import { OperatorEventsRepository } from './operator-events.repository.js';

describe(OperatorEventsPurger.name, () => {
  let storage: TestStorage;
  let repo: OperatorEventsRepository;
  let purger: OperatorEventsPurger;

  beforeAll(async () => {
    storage = await openTestStorage({ OPERATOR_EVENTS_RETAIN_HOURS: '2' });
    repo = new OperatorEventsRepository(storage.db);
    purger = new OperatorEventsPurger(storage.config, repo, storage.clock);
  });
  afterAll(async () => {
    await storage.close();
  });

  describe('purge', () => {
    it('should delete only the events older than the retention', async () => {
      const event = { type: 'message.created', payload: {}, lineId: '1', operatorId: null };
      const old = await repo.append({ ...event, at: storage.clock.now() });
      storage.clock.advance(90 * 60_000);
      const recent = await repo.append({ ...event, at: storage.clock.now() });
      storage.clock.advance(60 * 60_000);

      expect(await purger.purge()).toBe(1);
      const left = await repo.after({ afterId: 0, limit: 10 });
      expect(left.map((e) => e.id)).toEqual([recent]);
      expect(old).not.toBeNull();
    });
  });
});
