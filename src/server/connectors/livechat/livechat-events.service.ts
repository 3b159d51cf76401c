import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../../common/clock.js';
import { LiveChatRepository, type LiveChatEventRow } from './livechat.repository.js';

/**
 * What a visitor's widget receives: an operator's message, its edit, or its deletion; or `read`,
 * an operator having read the visitor's own message `message.id`.
 */
export interface VisitorEvent {
  /** Increasing per server; the SSE event id and the long poll's `after`. */
  id: number;
  type: 'message' | 'update' | 'delete' | 'read';
  message: {
    id: string;
    text?: string;
    files?: { url: string; name: string; size: number; type: string }[];
    /** The operator's display name. */
    author?: string;
    /** Unix seconds. */
    date: number;
  };
}

/** Most events handed out per read; a stream reads again at once when it got a full page. */
const PAGE = 100;

/**
 * The per-visitor event log. Appends are durable first and then announced to the waiting
 * streams of this process; streams also read again on their own every few seconds, which is how
 * they see what another server process appended.
 */
@Injectable()
export class LiveChatEvents implements OnModuleDestroy {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Ends every open stream and long poll when the app closes, so it is not held open by them. */
  readonly closing = new AbortController();

  constructor(
    private readonly repo: LiveChatRepository,
    private readonly clock: Clock,
  ) {}

  /** Appends an event; a repeat of `sourceKey` appends nothing and resolves the first one. */
  async append(
    visitorId: string,
    type: VisitorEvent['type'],
    message: Omit<VisitorEvent['message'], 'date'>,
    sourceKey?: string,
  ): Promise<VisitorEvent> {
    const date = Math.floor(this.clock.nowMs() / 1000);
    const body = { ...message, date };
    const { row, fresh } = await this.repo.appendEvent({
      visitorId,
      kind: type,
      messageId: message.id,
      payload: JSON.stringify(body),
      ...(sourceKey !== undefined && { sourceKey }),
      now: this.clock.now(),
    });
    if (fresh) for (const wake of this.waiters.get(visitorId) ?? []) wake();
    return toVisitorEvent(row);
  }

  async after(visitorId: string, afterId: number): Promise<VisitorEvent[]> {
    return (await this.repo.eventsAfter({ visitorId, afterId, limit: PAGE })).map(toVisitorEvent);
  }

  /**
   * Resolves when an event for the visitor is appended in this process, `ms` have passed, or
   * `signal` aborts (the client went away, or the app is closing).
   */
  wait(visitorId: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(visitorId);
      if (!set) this.waiters.set(visitorId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.closing.signal.removeEventListener('abort', done);
        set.delete(done);
        if (!set.size) this.waiters.delete(visitorId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      if (signal.aborted || this.closing.signal.aborted) done();
      signal.addEventListener('abort', done);
      this.closing.signal.addEventListener('abort', done);
    });
  }

  /** Events after `afterId`, waiting up to `timeoutMs` for the first one (the long poll). */
  async poll(
    visitorId: string,
    afterId: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<VisitorEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.after(visitorId, afterId);
      const left = deadline - Date.now();
      if (events.length || left <= 0 || signal.aborted || this.closing.signal.aborted) return events;
      await this.wait(visitorId, Math.min(left, REREAD_MS), signal);
    }
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }
}

/** How often a waiting stream reads again without being woken (events of other processes). */
export const REREAD_MS = 5000;

function toVisitorEvent(row: LiveChatEventRow): VisitorEvent {
  return {
    id: row.id,
    type: row.kind as VisitorEvent['type'],
    message: JSON.parse(row.payload) as VisitorEvent['message'],
  };
}
