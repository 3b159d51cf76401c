import { Injectable } from '@nestjs/common';
import { Prisma, type User } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import type { Role, UserStatus } from './principal.js';

export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`a user with email ${email} already exists`);
    this.name = 'EmailTakenError';
  }
}

@Injectable()
export class UsersRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Fails with EmailTakenError when the (normalised) email is in use. */
  async create(opts: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    at: Date;
  }): Promise<User> {
    const { email, name, role, passwordHash, at } = opts;
    try {
      return await this.db.client.user.create({ data: { email, name, role, passwordHash, createdAt: at } });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
        throw new EmailTakenError(email);
      throw err;
    }
  }

  findByEmail(email: string): Promise<User | null> {
    return this.db.client.user.findUnique({ where: { email } });
  }

  findById(id: number): Promise<User | null> {
    return this.db.client.user.findUnique({ where: { id } });
  }

  async anyAdmin(): Promise<boolean> {
    return (await this.db.client.user.count({ where: { role: 'admin' satisfies Role } })) > 0;
  }

  /** Sets the password and bumps the token version (tokens issued before stop working). */
  setPasswordHash(userId: number, passwordHash: string): Promise<User> {
    return this.db.client.user.update({
      where: { id: userId },
      data: { passwordHash, tokenVersion: { increment: 1 } },
    });
  }

  /** Everybody but removed users. */
  listAll(): Promise<User[]> {
    return this.db.client.user.findMany({
      where: { status: { not: 'removed' satisfies UserStatus } },
      orderBy: { id: 'asc' },
    });
  }

  /** Status and token version of these users, for open streams to check theirs. */
  listVersions(ids: number[]): Promise<Pick<User, 'id' | 'status' | 'tokenVersion'>[]> {
    return this.db.client.user.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, tokenVersion: true },
    });
  }

  /**
   * Disables or removes a user not removed yet and bumps their token version, unless that would
   * leave no active admin: false then (or when there is no such user). One statement, behind a
   * table lock on PostgreSQL, so two admins revoking each other at once cannot both win.
   */
  async revoke(opts: { userId: number; status: Exclude<UserStatus, 'active'> }): Promise<boolean> {
    const { userId, status } = opts;
    const update = this.db.client.$executeRaw`
      UPDATE users SET status = ${status}, token_version = token_version + 1
       WHERE id = ${userId} AND status <> 'removed'
         AND (role <> 'admin' OR EXISTS (
              SELECT 1 FROM users o WHERE o.role = 'admin' AND o.status = 'active' AND o.id <> ${userId}))`;
    // SQLite runs one write at a time, so the statement alone is enough there.
    if (this.db.provider === 'sqlite') return (await update) > 0;
    const [, count] = await this.db.client.$transaction([
      this.db.client.$executeRaw`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`,
      update,
    ]);
    return count > 0;
  }

  /** Makes a disabled user active again; false when the user is not disabled. */
  async enable(userId: number): Promise<boolean> {
    const { count } = await this.db.client.user.updateMany({
      where: { id: userId, status: 'disabled' satisfies UserStatus },
      data: { status: 'active' satisfies UserStatus },
    });
    return count > 0;
  }
}
