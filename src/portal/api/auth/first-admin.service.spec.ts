import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { openTestStorage, type TestStorage } from '../../../../test/support/database-module.js';
import { FIRST_ADMIN_FILE, FirstAdminService, printFirstAdminCredentials } from './first-admin.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';

describe(FirstAdminService.name, () => {
  let storage: TestStorage;
  let users: UsersRepository;
  const hasher = new PasswordHasher();

  const service = () => new FirstAdminService(storage.config, users, hasher, storage.clock);

  afterEach(async () => {
    await storage.close();
  });

  describe('with a generated password', () => {
    beforeEach(async () => {
      storage = await openTestStorage({ ADMIN_EMAIL: 'Root@Example.com' });
      users = new UsersRepository(storage.db);
    });

    it('should create the admin, keep the password in a 0600 file and print it once', async () => {
      const first = service();
      const created = await first.ensure();

      const file = join(storage.config.dataDir, FIRST_ADMIN_FILE);
      expect(created).toEqual({ email: 'root@example.com', generatedPassword: expect.any(String), file });
      const password = created!.generatedPassword!;
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toBe(`email: root@example.com\npassword: ${password}\n`);
      const admin = await users.findByEmail('root@example.com');
      expect(admin?.role).toBe('admin');
      expect(await hasher.verify(password, admin!.passwordHash)).toBe(true);

      const written: string[] = [];
      const app = { get: () => first } as unknown as INestApplicationContext;
      printFirstAdminCredentials(app, { write: (t: string) => written.push(t) });
      printFirstAdminCredentials(app, { write: (t: string) => written.push(t) });
      expect(written).toHaveLength(1);
      expect(written[0]).toContain('root@example.com');
      expect(written[0]).toContain(password);
      expect(written[0]).toContain(file);
    });

    it('should do nothing when an admin exists', async () => {
      await service().ensure();
      const again = service();
      expect(await again.ensure()).toBeNull();
      expect(again.takeNotice()).toBeNull();
      expect(await users.listAll()).toHaveLength(1);
    });
  });

  describe('with ADMIN_PASSWORD', () => {
    beforeEach(async () => {
      storage = await openTestStorage({ ADMIN_PASSWORD: 'configured-secret' });
      users = new UsersRepository(storage.db);
    });

    it('should use it, keep no file and never print it', async () => {
      const first = service();
      expect(await first.ensure()).toEqual({ email: 'admin@switchboard.local' });
      const admin = await users.findByEmail('admin@switchboard.local');
      expect(await hasher.verify('configured-secret', admin!.passwordHash)).toBe(true);
      expect(() => statSync(join(storage.config.dataDir, FIRST_ADMIN_FILE))).toThrow();
      const notice = first.takeNotice();
      expect(notice).toContain('admin@switchboard.local');
      expect(notice).not.toContain('configured-secret');
    });
  });
});
