import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { MessagesRepository } from './messages.repository.js';

describe(MessagesRepository.name, () => {
  let storage: TestStorage;
  let repo: MessagesRepository;

  beforeAll(async () => {
    storage = await openTestStorage();
    repo = new MessagesRepository(storage.db);
  });
  afterAll(async () => {
    await storage.close();
  });

  describe('insertIncoming', () => {
    it('should store one row when the same message is inserted concurrently', async () => {
      const ref = { chatId: 1, externalId: 'same' };
      const at = storage.clock.now();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          repo.insertIncoming(ref, { authorId: 1, text: `t${i}`, fileIds: [], at }),
        ),
      );

      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      expect(await storage.db.client.message.count({ where: { chatId: 1 } })).toBe(1);
    });

    it('should allow the same channel id in another chat', async () => {
      const at = storage.clock.now();
      const a = await repo.insertIncoming(
        { chatId: 2, externalId: '5' },
        { authorId: 1, text: '', fileIds: [], at },
      );
      const b = await repo.insertIncoming(
        { chatId: 3, externalId: '5' },
        { authorId: 1, text: '', fileIds: [], at },
      );
      expect([a.created, b.created]).toEqual([true, true]);
    });
  });

  describe('lastOfChats', () => {
    it('should return the newest message of each chat that is not deleted', async () => {
      const at = storage.clock.now();
      const first = await repo.insertIncoming(
        { chatId: 10, externalId: 'a' },
        { authorId: 1, text: 'a', fileIds: [], at },
      );
      await repo.insertIncoming(
        { chatId: 10, externalId: 'b' },
        { authorId: 1, text: 'b', fileIds: [], deletedAt: at, at },
      );
      const other = await repo.insertIncoming(
        { chatId: 11, externalId: 'c' },
        { authorId: 1, text: 'c', fileIds: [], at },
      );

      const last = await repo.lastOfChats([10, 11, 12]);
      expect(last.map((m) => m.id).sort((x, y) => x - y)).toEqual([first.message.id, other.message.id]);
    });
  });
});
