import type { Clock } from '../../common/clock.js';

interface Entry {
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * Remembers answers of read-only remote calls for a TTL, by key. Callers that arrive while a load
 * is in flight share it; a failed load is forgotten at once; each caller gets its own copy, so one
 * caller mutating an answer cannot change what the next one sees.
 */
export class TtlCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async getOrLoad(key: string, load: () => Promise<unknown>): Promise<unknown> {
    if (this.ttlMs <= 0) return load();
    const now = this.clock.nowMs();
    let entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      this.prune(now);
      const value = load();
      entry = { expiresAt: now + this.ttlMs, value };
      this.entries.set(key, entry);
      value.catch(() => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      });
    }
    return structuredClone(await entry.value);
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
