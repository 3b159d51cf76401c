import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../clock.js';
import { WorkerOwner, type WorkerOwnerStore } from './worker-owner.js';

class FakeStore implements WorkerOwnerStore {
  readonly registered: { id: string; instance: string; now: Date; staleBefore: Date }[] = [];
  failNext = false;

  register(opts: { id: string; instance: string; now: Date; staleBefore: Date }): Promise<number> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database down'));
    }
    this.registered.push(opts);
    return Promise.resolve(0);
  }

  beat(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

const log = { error: () => undefined };

describe(WorkerOwner.name, () => {
  describe('start', () => {
    it('should register once, with the stale cutoff one window back', async () => {
      const store = new FakeStore();
      const clock = new ManualClock(1_000_000);
      const owner = new WorkerOwner(store, clock, { instance: 'host-1', timeoutMs: 10_000 }, log);
      await Promise.all([owner.start(), owner.start()]);
      await owner.start();
      owner.stop();
      expect(store.registered).toEqual([
        { id: owner.id, instance: 'host-1', now: new Date(1_000_000), staleBefore: new Date(990_000) },
      ]);
    });

    it('should try again after a failed registration', async () => {
      const store = new FakeStore();
      store.failNext = true;
      const owner = new WorkerOwner(store, new ManualClock(), { instance: 'h', timeoutMs: 1_000 }, log);
      await expect(owner.start()).rejects.toThrow('database down');
      await owner.start();
      owner.stop();
      expect(store.registered).toHaveLength(1);
    });
  });

  it('should give every process an owner id of its own', () => {
    const make = () =>
      new WorkerOwner(new FakeStore(), new ManualClock(), { instance: 'h', timeoutMs: 1 }, log);
    expect(make().id).not.toBe(make().id);
  });
});
