/**
 * The pause of a polling loop that new work cuts short. A wake() that comes while the loop is busy
 * is kept, so the next sleep returns at once and the work is not left until the following poll.
 */
export class WakeableSleep {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves after `ms`, or at once on wake() (also one that came since the last sleep). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.woken) done();
      else this.wakeUp = done;
    });
  }
}
