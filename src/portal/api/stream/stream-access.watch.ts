import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PortalConfig } from '../../config.js';
import type { UserAccessRevokedPayload } from '../../events/events.js';
import { OnPortalEvent } from '../../open-lines/listeners/on-portal-event.js';
import type { Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';

/**
 * Ends open streams whose user lost access (token version bumped, disabled, removed). A bump in
 * this process ends them at once (UserAccessRevoked); one made by another portal process is found
 * by re-checking the watched users against the database every heartbeat.
 */
@Injectable()
export class StreamAccessWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamAccessWatch.name);
  private readonly watched = new Map<() => void, Principal>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: PortalConfig,
    private readonly users: UsersRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn(`stream access check failed: ${String(err)}`));
    }, this.config.stream.heartbeatMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Calls `end` once the principal's access is revoked; the returned function stops watching. */
  watch(principal: Principal, end: () => void): () => void {
    this.watched.set(end, principal);
    return () => this.watched.delete(end);
  }

  @OnPortalEvent('UserAccessRevoked')
  onRevoked(payload: UserAccessRevokedPayload): Promise<void> {
    this.endWhere((p) => p.userId === payload.userId);
    return Promise.resolve();
  }

  /** Ends the streams of users who are no longer active or on their token's version. */
  async sweep(): Promise<void> {
    if (this.watched.size === 0) return;
    const ids = [...new Set([...this.watched.values()].map((p) => p.userId))];
    const current = new Map((await this.users.listVersions(ids)).map((u) => [u.id, u]));
    this.endWhere((p) => {
      const user = current.get(p.userId);
      return user?.status !== 'active' || user.tokenVersion !== p.tokenVersion;
    });
  }

  private endWhere(revoked: (p: Principal) => boolean): void {
    for (const [end, principal] of [...this.watched]) {
      if (!revoked(principal)) continue;
      this.watched.delete(end);
      end();
    }
  }
}
