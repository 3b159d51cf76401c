import { Injectable } from '@nestjs/common';
import bcrypt from 'bcryptjs';

const COST = 12;

/** bcrypt, which reads at most 72 bytes of a password; the user DTO caps new passwords there. */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return bcrypt.hash(password, COST);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }
}
