import { ConflictException, Injectable } from '@nestjs/common';
import type { User } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { EmailTakenError, UsersRepository } from '../auth/users.repository.js';
import type { CreateUserRequest } from './users.dto.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  list(): Promise<User[]> {
    return this.users.listAll();
  }

  async create(req: CreateUserRequest): Promise<User> {
    try {
      return await this.users.create({
        email: req.email,
        name: req.name,
        role: req.role,
        passwordHash: await this.hasher.hash(req.password),
        at: this.clock.now(),
      });
    } catch (err) {
      if (err instanceof EmailTakenError) throw new ConflictException(err.message);
      throw err;
    }
  }
}
