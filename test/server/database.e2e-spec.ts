import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DatabaseService } from '../../src/server/storage/database.service.js';
import { startServer, type TestServer } from './support/server.js';

describe(DatabaseService.name, () => {
  let server: TestServer;
  let db: DatabaseService;
  beforeEach(async () => {
    server = await startServer();
    db = server.app.get(DatabaseService);
  });
  afterEach(async () => {
    await server.close();
  });

  const portal = (id: string) => ({
    id,
    baseUrl: 'http://x',
    keys: 'k',
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });

  describe('transaction', () => {
    it('should keep a statement issued meanwhile out of a transaction that rolls back', async () => {
      let started!: () => void;
      let proceed!: () => void;
      const inside = new Promise<void>((resolve) => (started = resolve));
      const held = new Promise<void>((resolve) => (proceed = resolve));
      const rolledBack = db.transaction(async (tx) => {
        await tx.portal.create({ data: portal('in-transaction') });
        started();
        await held;
        throw new Error('rolled back');
      });
      await inside;
      // A multi-row insert, as the queue appends: Prisma gives it no transaction of its own.
      const written = db.client.portal.createMany({ data: [portal('meanwhile')] });
      // Let the statement run now if nothing holds it back, inside the open transaction.
      await new Promise((resolve) => setImmediate(resolve));
      proceed();

      await expect(rolledBack).rejects.toThrow('rolled back');
      await written;
      expect((await db.client.portal.findMany()).map((p) => p.id)).toEqual(['meanwhile']);
    });
  });
});
