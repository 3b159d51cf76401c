import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type INestApplicationContext,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { PortalConfig } from '../../config.js';
import { email as emailSchema } from './auth.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { EmailTakenError, UsersRepository } from './users.repository.js';

export const FIRST_ADMIN_FILE = 'first-admin.txt';

export interface FirstAdmin {
  email: string;
  /** Set only when the password was generated; a configured one is never repeated. */
  generatedPassword?: string;
  /** Where the generated password is kept (mode 0600). */
  file?: string;
}

/**
 * Creates the first admin at start-up when there is none: ADMIN_EMAIL with ADMIN_PASSWORD, or
 * with a generated password that is printed once (printFirstAdminCredentials) and kept in
 * DATA_DIR/first-admin.txt, so that whoever started the portal can still find it later.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdminService.name);
  private created?: FirstAdmin;

  constructor(
    private readonly config: PortalConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure();
  }

  /** Returns the admin created by this call, or null when there already was one. */
  async ensure(): Promise<FirstAdmin | null> {
    if (await this.users.anyAdmin()) return null;
    const email = emailSchema.parse(this.config.adminEmail);
    const generated = this.config.adminPassword === undefined;
    // 18 random bytes: 144 bits, 24 characters of base64url.
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.users.create({
        email,
        name: 'Administrator',
        role: 'admin',
        passwordHash: await this.hasher.hash(password),
        at: this.clock.now(),
      });
    } catch (err) {
      if (!(err instanceof EmailTakenError)) throw err;
      // Another portal process created it first, or that email belongs to a non-admin user.
      this.logger.warn(`first admin not created: ${err.message}`);
      return null;
    }
    const admin: FirstAdmin = { email };
    if (generated) {
      admin.generatedPassword = password;
      admin.file = join(this.config.dataDir, FIRST_ADMIN_FILE);
      await this.keep(admin.file, email, password);
      this.logger.log(
        `first admin ${email} created with a generated password: printed once on stdout and kept in ${admin.file} (mode 0600)`,
      );
    } else {
      this.logger.log(`first admin ${email} created with the password from ADMIN_PASSWORD`);
    }
    this.created = admin;
    return admin;
  }

  /** The lines announcing the admin created at this start, once; null afterwards or if none was. */
  takeNotice(): string | null {
    const admin = this.created;
    this.created = undefined;
    if (!admin) return null;
    if (admin.generatedPassword === undefined) {
      return `First admin account created: ${admin.email} (password from ADMIN_PASSWORD)\n`;
    }
    return [
      'First admin account created:',
      `  email:    ${admin.email}`,
      `  password: ${admin.generatedPassword}`,
      `  (also kept in ${admin.file}, readable only by this user; change the password on the Account page, then delete the file)`,
      '',
    ].join('\n');
  }

  private async keep(file: string, email: string, password: string): Promise<void> {
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `email: ${email}\npassword: ${password}\n`, { mode: 0o600 });
      // mode applies only to a new file; an old one from an earlier database gets it here.
      await chmod(file, 0o600);
    } catch (err) {
      // The password is still printed; losing the copy must not stop the portal.
      this.logger.error(`could not keep the first admin's password in ${file}: ${(err as Error).message}`);
    }
  }
}

/** Prints the first admin's credentials if this start created it (then true); for main.ts, after listen(). */
export function printFirstAdminCredentials(
  app: INestApplicationContext,
  out: { write(text: string): unknown } = process.stdout,
): boolean {
  const notice = app.get(FirstAdminService).takeNotice();
  if (notice) out.write(notice);
  return notice !== null;
}
