import fc from 'fast-check';

/**
 * One seed for every fuzz suite, so a failure replays exactly (fast-check prints the path of the
 * failing case too). FUZZ_SEED overrides it to explore further by hand.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261204);

/** The bounds of one property: runs at most `numRuns` cases and stops early at `ms`. */
export function fuzzParams(numRuns: number, ms: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns, interruptAfterTimeLimit: ms, markInterruptAsFailure: false };
}

/** Characters that broke storage or rendering before: NUL, lone surrogates, bidi and zero-width ones. */
const NASTY = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\u202E',
  '\u2066',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u0008',
  '\r',
];

/** Text a customer (or an attacker) may type: nasty characters among ordinary and exotic ones. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 8 })), {
      maxLength: 20,
    })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x'.repeat(10_001), '😀'.repeat(6_000), '[b]'.repeat(4_000)),
);

/** Any JSON value, shallow enough to stay quick. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Path segments where an id is expected: real-looking ids, junk, encodings and overflow. */
export const idSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1', '2', '0', '-1', '1.5', '99999999999999999999', 'abc', '%00', '%2e%2e', '%FF', 'null'),
  fc.nat({ max: 50 }).map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

/** `base` with one field somewhere inside it replaced by `value` (or removed when undefined). */
export function mutate(base: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || base === null || typeof base !== 'object') return value;
  const entries = Object.entries(base as Record<string, unknown>);
  if (entries.length === 0) return value;
  const i = path[0] % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(base) ? [...base] : { ...base };
  const key = entries[i][0];
  const next = mutate(entries[i][1], path.slice(1), value);
  if (next === undefined && !Array.isArray(copy)) delete copy[key];
  else (copy as Record<string, unknown>)[key] = next;
  return copy;
}

/** A valid object broken in one place: a field replaced by any JSON value, or dropped. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.option(anyJson, { nil: undefined }))
    .map(([path, value]) => mutate(base, path, value));
}

/** Bytes that are not UTF-8 inside an otherwise JSON body. */
export const invalidUtf8Body: fc.Arbitrary<Uint8Array> = fc
  .constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82])
  .map((bad) => {
    const head = new TextEncoder().encode('{"text":"');
    const tail = new TextEncoder().encode('"}');
    return new Uint8Array([...head, ...bad, ...tail]);
  });

/** Counts what a suite tried, printed at its end for the closing notes. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(surface: string): void {
    this.counts.set(surface, (this.counts.get(surface) ?? 0) + 1);
  }

  toString(): string {
    return [...this.counts].map(([k, v]) => `${k}: ${v}`).join(', ');
  }
}
