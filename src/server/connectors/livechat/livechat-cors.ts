import { Injectable } from '@nestjs/common';
import { ServerConfig } from '../../config.js';

const ALLOW = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, last-event-id',
  'access-control-max-age': '600',
};

/**
 * CORS for the visitor endpoints: pages of the configured origins (LIVECHAT_ORIGINS, `*` for
 * any) may call them. Tokens travel in a header, never in cookies, so no credentials are allowed.
 */
@Injectable()
export class LiveChatCors {
  constructor(private readonly config: ServerConfig) {}

  allows(origin: string | undefined): origin is string {
    const origins = this.config.livechat.origins;
    return !!origin && (origins.includes('*') || origins.includes(origin));
  }

  /** Headers of an actual request: the origin echoed when allowed, nothing otherwise. */
  headers(origin: string | undefined): Record<string, string> {
    return this.allows(origin)
      ? { 'access-control-allow-origin': origin, vary: 'Origin' }
      : { vary: 'Origin' };
  }

  /** Headers of a preflight answer, or null when the origin is not allowed. */
  preflight(origin: string | undefined): Record<string, string> | null {
    return this.allows(origin) ? { ...this.headers(origin), ...ALLOW } : null;
  }
}
