import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { ALL_LINES, type LineScope } from '../replies/line-scope.js';
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

  describe('carriesFile', () => {
    const onLine = (lineId: string, userId = 50): LineScope => ({ all: false, lineIds: [lineId], userId });
    let chatOnLine1: number;

    beforeAll(async () => {
      const at = storage.clock.now();
      const chat = (externalChatId: string) =>
        storage.db.client.chat.create({
          data: { connector: 'c', lineId: '1', externalChatId, blocked: false, createdAt: at, updatedAt: at },
        });
      chatOnLine1 = (await chat('files')).id;
      await repo.insertIncoming(
        { chatId: chatOnLine1, externalId: 'f1' },
        { authorId: 1, text: '', fileIds: ['abc', 'live-file'], at },
      );
      await repo.insertIncoming(
        { chatId: chatOnLine1, externalId: 'f2' },
        { authorId: 1, text: '', fileIds: ['deleted-file'], deletedAt: at, at },
      );
      const moved = (await chat('moved')).id;
      await repo.insertIncoming(
        { chatId: moved, externalId: 'f3' },
        { authorId: 1, text: '', fileIds: ['moved-file'], at },
      );
      await storage.db.client.session.create({
        data: {
          lineId: 2,
          chatId: moved,
          status: 'waiting',
          tried: '[]',
          noAnswerSent: false,
          lastCustomerAt: at,
          ratingAsked: false,
          version: 1,
          createdAt: at,
          updatedAt: at,
        },
      });
    });

    it("should find a live message's file for the scopes that see its chat only", async () => {
      expect(await repo.carriesFile({ fileId: 'live-file', scope: ALL_LINES })).toBe(true);
      expect(await repo.carriesFile({ fileId: 'live-file', scope: onLine('1') })).toBe(true);
      expect(await repo.carriesFile({ fileId: 'live-file', scope: onLine('2') })).toBe(false);
    });

    it('should not find the file of a deleted message, for anyone', async () => {
      expect(await repo.carriesFile({ fileId: 'deleted-file', scope: ALL_LINES })).toBe(false);
      expect(await repo.carriesFile({ fileId: 'deleted-file', scope: onLine('1') })).toBe(false);
    });

    it('should match whole ids only, LIKE wildcards included', async () => {
      for (const fileId of ['a_c', 'ab', 'live', '%']) {
        expect(await repo.carriesFile({ fileId, scope: ALL_LINES })).toBe(false);
      }
    });

    it("should let a line whose session holds the chat see the chat's files", async () => {
      expect(await repo.carriesFile({ fileId: 'moved-file', scope: onLine('2') })).toBe(true);
      expect(await repo.carriesFile({ fileId: 'moved-file', scope: onLine('3') })).toBe(false);
      expect(await repo.carriesFile({ fileId: 'moved-file', scope: onLine('3', 0) })).toBe(false);
    });
  });
});
