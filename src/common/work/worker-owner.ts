import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';

/** Where a process's owner row lives; each process's storage implements it over its own database. */
export interface WorkerOwnerStore {
  /**
   * Stores the new owner and deletes the owners it makes dead: the others of its instance (its
   * predecessors: one process runs per instance) and any silent since before `staleBefore`.
   * Resolves with how many it deleted.
   */
  register(opts: { id: string; instance: string; now: Date; staleBefore: Date }): Promise<number>;
  /** Refreshes the heartbeat; stores the row again and resolves false when it had been deleted. */
  beat(opts: { id: string; instance: string; now: Date }): Promise<boolean>;
}

export interface WorkerOwnerOptions {
  /** Names the slot this process fills (WORKER_INSTANCE): a process that starts supersedes its predecessor. */
  instance: string;
  /** An owner whose heartbeat is older than this is dead; it beats three times per window. */
  timeoutMs: number;
}

export interface WorkerOwnerLog {
  error(message: string): void;
}

/**
 * The owner of a process's claims: a fresh id per process, kept alive by a heartbeat. Claims store
 * the owner id; a worker takes back the claims whose owner is not alive (see `aliveSince`) without
 * waiting for their lease. A new process of the same instance makes its predecessor dead at once,
 * so after a crash the restarted process takes its rows back on its first round.
 */
export class WorkerOwner {
  readonly id = randomUUID();
  private registered?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: WorkerOwnerStore,
    private readonly clock: Clock,
    private readonly options: WorkerOwnerOptions,
    private readonly log: WorkerOwnerLog,
  ) {}

  /** Registers (once) and starts the heartbeat; claims must wait for it, or others count them dead. */
  start(): Promise<void> {
    // A failed registration is tried again by the next caller.
    this.registered ??= this.register().catch((err: unknown) => {
      this.registered = undefined;
      throw err;
    });
    return this.registered;
  }

  /** Owners whose heartbeat is older than this are dead; their claims may be taken back. */
  aliveSince(now: Date): Date {
    return new Date(now.getTime() - this.options.timeoutMs);
  }

  /**
   * Stops the heartbeat. The row stays: workers hand their claims back when they stop, and they may
   * still be doing so (deleting it now would let others take those rows while they finish). It is
   * dead once past the window, and deleted by the next owner to register.
   */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async register(): Promise<void> {
    const now = this.clock.now();
    const { instance, timeoutMs } = this.options;
    await this.store.register({ id: this.id, instance, now, staleBefore: this.aliveSince(now) });
    this.timer = setInterval(() => void this.beat(), Math.max(1, Math.floor(timeoutMs / 3)));
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const kept = await this.store.beat({
        id: this.id,
        instance: this.options.instance,
        now: this.clock.now(),
      });
      if (!kept)
        this.log.error(
          `worker owner ${this.id} was counted dead (another process of instance "${this.options.instance}" started, or the heartbeat stalled); give each process its own WORKER_INSTANCE`,
        );
    } catch (err) {
      this.log.error(`worker owner heartbeat failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
