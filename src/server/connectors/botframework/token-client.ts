import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../../common/clock.js';

/** Scope of a token for the Bot Connector API. */
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default';

/** A token is renewed this long before it expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface BotCredentials {
  appId: string;
  appPassword: string;
}

/** The token endpoint refused the credentials (wrong app id or password): not worth retrying. */
export class CredentialsRefused extends Error {
  override name = 'CredentialsRefused';
}

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

/**
 * Gets the bot's access token by OAuth client credentials and keeps it per bot until shortly
 * before it expires; concurrent callers share one request. Shared by every line of the process.
 */
export class BotTokenClient {
  private readonly cache = new Map<string, { token: Promise<string>; expiresAt: number }>();

  constructor(
    private readonly tokenUrl: string,
    private readonly clock: Clock,
  ) {}

  /** A valid token; `renew` drops the kept one first (after the Bot Connector answered 401). */
  async token(creds: BotCredentials, opts: { renew?: boolean } = {}): Promise<string> {
    const key = createHash('sha256')
      .update(JSON.stringify([creds.appId, creds.appPassword]))
      .digest('hex');
    const kept = this.cache.get(key);
    if (kept && !opts.renew && this.clock.nowMs() < kept.expiresAt) return kept.token;
    const entry = { token: Promise.resolve(''), expiresAt: Infinity };
    entry.token = this.request(creds).then(({ token, lifetimeMs }) => {
      entry.expiresAt = this.clock.nowMs() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2);
      return token;
    });
    this.cache.set(key, entry);
    entry.token.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return entry.token;
  }

  private async request(creds: BotCredentials): Promise<{ token: string; lifetimeMs: number }> {
    const res = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.appId,
        client_secret: creds.appPassword,
        scope: BOT_CONNECTOR_SCOPE,
      }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json().catch(() => null)) as {
      error?: unknown;
      error_description?: unknown;
    } | null;
    if (res.status === 400 || res.status === 401) {
      const reason = [body?.error, body?.error_description].filter((v) => typeof v === 'string').join(': ');
      throw new CredentialsRefused(
        `the token endpoint refused the app id or password (${reason || `HTTP ${res.status}`})`,
      );
    }
    if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
    const parsed = tokenSchema.parse(body);
    return { token: parsed.access_token, lifetimeMs: parsed.expires_in * 1000 };
  }
}
