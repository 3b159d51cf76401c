import { Injectable } from '@nestjs/common';
import { Prisma, type User } from '../../../generated/portal-sqlite/client.js';
import { DatabaseService } from '../../storage/database.service.js';
import type { Role } from './principal.js';

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

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    await this.db.client.user.update({ where: { id: userId }, data: { passwordHash } });
  }

  listAll(): Promise<User[]> {
    return this.db.client.user.findMany({ orderBy: { id: 'asc' } });
  }
}
