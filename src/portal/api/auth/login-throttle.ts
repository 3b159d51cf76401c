import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { LoginThrottle as Row } from '../../../generated/portal-sqlite/client.js';
import { Clock } from '../../../common/clock.js';
import { LoginThrottlesRepository } from './login-throttles.repository.js';

export interface LoginLimit {
  /** Attempts without any wait. */
  free: number;
  /** The wait after the first attempt beyond the free ones; it doubles with each further one. */
  baseMs: number;
  capMs: number;
}

/**
 * Per account: 5 free attempts, then 1 s, 2 s, 4 s … up to 15 min between attempts. Per client
 * address, which colleagues behind one NAT share: 20 free, then the same.
 */
export const LOGIN_LIMITS: { account: LoginLimit; address: LoginLimit } = {
  account: { free: 5, baseMs: 1000, capMs: 15 * 60_000 },
  address: { free: 20, baseMs: 1000, capMs: 15 * 60_000 },
};

/** A key's count starts over this long after its last attempt. */
export const LOGIN_FORGET_AFTER_MS = 60 * 60_000;

/** The wait after the n-th counted attempt. */
export function loginDelayMs(limit: LoginLimit, attempts: number): number {
  if (attempts <= limit.free) return 0;
  return Math.min(limit.baseMs * 2 ** (attempts - limit.free - 1), limit.capMs);
}

/** 429; the controller's filter sends retryAfterSeconds as Retry-After. */
export class LoginThrottledException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `too many sign-in attempts: try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Growing delays between sign-in attempts, by account and by client address, counted in the
 * database (so a restart forgets nothing, and every portal process counts alike). An attempt is
 * counted before its password is checked, so parallel attempts cannot all slip through one gap.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    private readonly repo: LoginThrottlesRepository,
    private readonly clock: Clock,
  ) {}

  /** Counts an attempt; throws LoginThrottledException while the account or the address must wait. */
  async attempt(opts: { email: string; address: string }): Promise<void> {
    const now = this.clock.now();
    const keys = [
      { key: accountKey(opts.email), limit: LOGIN_LIMITS.account },
      { key: addressKey(opts.address), limit: LOGIN_LIMITS.address },
    ];
    let waitMs = 0;
    for (const { key } of keys) {
      await this.repo.forgetOlder({ key, before: new Date(now.getTime() - LOGIN_FORGET_AFTER_MS), now });
      waitMs = Math.max(waitMs, remainingMs(await this.repo.find(key), now));
    }
    if (waitMs === 0) {
      for (const { key, limit } of keys) {
        const delay = loginDelayMs(limit, await this.repo.count({ key, at: now }));
        if (delay === 0) continue;
        if (!(await this.repo.block({ key, until: new Date(now.getTime() + delay), now }))) {
          waitMs = Math.max(waitMs, remainingMs(await this.repo.find(key), now));
        }
      }
    }
    if (waitMs === 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    this.logger.warn(
      `sign-in as ${opts.email} from ${opts.address} refused: too many attempts, next in ${seconds} s`,
    );
    throw new LoginThrottledException(seconds);
  }

  /** The password was right: the account starts over, and the address's attempt is taken back. */
  async succeeded(opts: { email: string; address: string }): Promise<void> {
    await this.repo.reset(accountKey(opts.email));
    await this.repo.uncount(addressKey(opts.address));
  }
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

function remainingMs(row: Row | null, now: Date): number {
  return Math.max(0, (row?.blockedUntil?.getTime() ?? 0) - now.getTime());
}
