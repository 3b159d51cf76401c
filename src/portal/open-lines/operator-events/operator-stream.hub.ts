import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PortalConfig } from '../../config.js';
import { OperatorEventsNotifier } from './operator-events.notifier.js';
import { OperatorEventsRepository, type OperatorEventRow } from './operator-events.repository.js';
import { WakeableSleep } from '../../../common/wakeable-sleep.js';

/** What one stream client may see. */
export interface StreamAudience {
  /** Admins see every event. */
  all: boolean;
  operatorId: number;
  /** The lines whose operators this client is one of. */
  lineIds: ReadonlySet<string>;
}

/** An event is for everybody (no audience), its operator, or the operators of its line. */
export function isVisibleTo(audience: StreamAudience, event: OperatorEventRow): boolean {
  if (audience.all) return true;
  if (event.lineId === null && event.operatorId === null) return true;
  if (event.operatorId !== null && event.operatorId === audience.operatorId) return true;
  return event.lineId !== null && audience.lineIds.has(event.lineId);
}

/**
 * The audience after an event: a 'line.operators' event (an admin set the line's operators)
 * adds its line to an operator who is now among them and takes it from one who is not, so an
 * open stream follows the change from that event on.
 */
export function followLineOperators(audience: StreamAudience, event: OperatorEventRow): StreamAudience {
  if (audience.all || event.type !== 'line.operators' || event.lineId === null) return audience;
  const { userIds } = event.payload as { userIds?: unknown };
  const member = Array.isArray(userIds) && userIds.includes(audience.operatorId);
  if (member === audience.lineIds.has(event.lineId)) return audience;
  const lineIds = new Set(audience.lineIds);
  if (member) lineIds.add(event.lineId);
  else lineIds.delete(event.lineId);
  return { ...audience, lineIds };
}

export interface StreamSubscription {
  close(): void;
}

interface Subscriber {
  audience: StreamAudience;
  send: (events: OperatorEventRow[]) => void;
  /** Every event up to this id has been sent or was not for this client. */
  cursor: number;
  /** Deliveries to one client run one after another, so its events stay in order. */
  chain: Promise<void>;
  closed: boolean;
}

const PAGE = 500;

/**
 * Follows the stored operator events for this process's stream clients: one poll of the table
 * for all of them (an indexed `id > head` read), every STREAM_POLL_MS while anyone listens, and
 * at once when this process appended an event or (PostgreSQL) another process NOTIFYed one. A client that resumes from an older id (its
 * Last-Event-ID) or fell behind reads its own catch-up pages first; clients never share state
 * other than the rows of the last poll.
 */
@Injectable()
export class OperatorStreamHub implements OnModuleDestroy {
  private readonly logger = new Logger(OperatorStreamHub.name);
  private readonly subscribers = new Set<Subscriber>();
  /** The id up to which the hub has read the table; fresh only while the loop runs. */
  private head: number | undefined;
  private loop: Promise<void> | undefined;
  private readonly pause = new WakeableSleep();

  constructor(
    private readonly config: PortalConfig,
    private readonly events: OperatorEventsRepository,
    private readonly notifier: OperatorEventsNotifier,
  ) {}

  /**
   * Starts sending the events after `after` (a Last-Event-ID) that the audience may see, or
   * only new ones when `after` is null.
   */
  async subscribe(opts: {
    after: number | null;
    audience: StreamAudience;
    send: (events: OperatorEventRow[]) => void;
  }): Promise<StreamSubscription> {
    // While the loop runs it keeps the head fresh; otherwise it may be stale.
    if (this.loop === undefined || this.head === undefined) {
      this.head = Math.max(this.head ?? 0, await this.events.lastId());
    }
    const head = this.head;
    const sub: Subscriber = {
      audience: opts.audience,
      send: opts.send,
      cursor: opts.after ?? head,
      chain: Promise.resolve(),
      closed: false,
    };
    this.subscribers.add(sub);
    this.enqueue(sub, () => this.catchUp(sub, head));
    this.loop ??= this.run();
    return {
      close: () => {
        sub.closed = true;
        this.subscribers.delete(sub);
        this.notify();
      },
    };
  }

  /** An event was appended by this process: poll now rather than at the next interval. */
  notify(): void {
    this.pause.wake();
  }

  get clients(): number {
    return this.subscribers.size;
  }

  async onModuleDestroy(): Promise<void> {
    for (const sub of this.subscribers) sub.closed = true;
    this.subscribers.clear();
    this.notify();
    await this.loop;
  }

  private async run(): Promise<void> {
    // A client may arrive while the loop winds down (stop() awaits): it then goes round again.
    do {
      // Other processes' appends wake the loop too (PostgreSQL), so polling only backs it up.
      await this.notifier.listen(() => this.notify());
      while (this.subscribers.size > 0) {
        let full = false;
        try {
          full = await this.poll();
        } catch (err) {
          this.logger.error(
            `reading operator events failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        if (!full && this.subscribers.size > 0) await this.pause.sleep(this.config.stream.pollMs);
      }
      await this.notifier.stop();
    } while (this.subscribers.size > 0);
    this.loop = undefined;
  }

  /** Reads what is new since the head and hands it to every client; true when a page was full. */
  private async poll(): Promise<boolean> {
    const from = this.head ?? (await this.events.lastId());
    const rows = await this.events.after({ afterId: from, limit: PAGE });
    const last = rows.at(-1);
    if (!last) return false;
    this.head = last.id;
    for (const sub of this.subscribers) this.enqueue(sub, () => this.deliver(sub, rows, from, last.id));
    return rows.length === PAGE;
  }

  private deliver(sub: Subscriber, rows: OperatorEventRow[], from: number, to: number): Promise<void> {
    if (sub.cursor < from) return this.catchUp(sub, to);
    this.send(
      sub,
      rows.filter((e) => e.id > sub.cursor),
    );
    sub.cursor = Math.max(sub.cursor, to);
    return Promise.resolve();
  }

  /** Sends, from the table, what the client has not seen up to `to`. */
  private async catchUp(sub: Subscriber, to: number): Promise<void> {
    while (!sub.closed && sub.cursor < to) {
      const rows = await this.events.after({ afterId: sub.cursor, upTo: to, limit: PAGE });
      const last = rows.at(-1);
      if (!last) break;
      this.send(sub, rows);
      sub.cursor = last.id;
    }
    sub.cursor = Math.max(sub.cursor, to);
  }

  /** Each event is matched against the audience as it stands at that event. */
  private send(sub: Subscriber, rows: OperatorEventRow[]): void {
    if (sub.closed) return;
    const visible: OperatorEventRow[] = [];
    for (const event of rows) {
      sub.audience = followLineOperators(sub.audience, event);
      if (isVisibleTo(sub.audience, event)) visible.push(event);
    }
    if (visible.length > 0) sub.send(visible);
  }

  private enqueue(sub: Subscriber, step: () => Promise<void>): void {
    sub.chain = sub.chain.then(step).catch((err: unknown) => {
      this.logger.error(
        `a stream client's catch-up failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  }
}
