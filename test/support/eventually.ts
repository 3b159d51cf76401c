/**
 * Probes until `pred` holds and resolves the value; throws, naming `what` and the last value,
 * once `timeoutMs` have passed (so a regression fails instead of hanging).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T> | T,
  pred: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (pred(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
