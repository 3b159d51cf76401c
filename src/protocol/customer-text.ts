/**
 * What customer text may hold once it is in OLP (docs/protocol.md, "Customer text: what is kept").
 * Whatever a connector queues or a portal acknowledges must be storable on both databases, so:
 * NUL (which a PostgreSQL `text` column refuses) and lone surrogates (which UTF-8 cannot encode;
 * drivers would turn them into U+FFFD on one database and not on another) are removed. Bidi
 * controls and zero-width characters are kept as sent: they are the customer's, and the UI shows
 * them inert. A message text is at most MAX_TEXT_LENGTH long.
 */

/**
 * Longest `message.text` of an inbound message, in UTF-16 code units (as JavaScript's `length`
 * and Telegram count). Live chat refuses longer posts; channels that cannot tell the customer get
 * the text cut (fitText).
 */
export const MAX_TEXT_LENGTH = 10_000;

/** Ends a text that fitText cut; plain text (no BB-code), so every renderer shows it as it is. */
export const CUT_MARKER = ` … (cut: longer than ${MAX_TEXT_LENGTH} characters)`;

// With the u flag a lone surrogate is one "code point" of its own, while a pair is one astral
// code point outside this range: only the unpaired halves match.
const UNSTORABLE = /[\0\uD800-\uDFFF]/gu;

/** Removes the characters no text column can keep (NUL, lone surrogates); the rest stays as sent. */
export function normalizeText(text: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '') : text;
}

/**
 * The dotted path of the first string of a JSON value (keys included) that normalizeText would
 * change, '' for the value itself; null when every string is storable. For edges that can tell
 * the sender (REST) and so refuse instead of cleaning.
 */
export function findUnstorable(value: unknown, path = ''): string | null {
  const unstorable = (text: string) => {
    UNSTORABLE.lastIndex = 0;
    return UNSTORABLE.test(text);
  };
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (unstorable(key)) return at;
    const found = findUnstorable(item, at);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Every string of a JSON value (object keys included) through normalizeText; returns the value
 * itself when nothing changed, so the common case allocates nothing.
 */
export function normalizeStrings(value: unknown): unknown {
  if (typeof value === 'string') return normalizeText(value);
  if (Array.isArray(value)) {
    const items = value.map(normalizeStrings);
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const entries = Object.entries(value).map(([k, v]) => {
    const entry = [normalizeText(k), normalizeStrings(v)] as const;
    changed ||= entry[0] !== k || entry[1] !== v;
    return entry;
  });
  return changed ? Object.fromEntries(entries) : value;
}

/**
 * A text within MAX_TEXT_LENGTH: longer ones are cut and end with CUT_MARKER. The cut never
 * splits a surrogate pair, nor leaves a trailing `\` that would escape the marker's first character.
 */
export function fitText(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text;
  let end = MAX_TEXT_LENGTH - CUT_MARKER.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  let kept = text.slice(0, end);
  const backslashes = /\\+$/.exec(kept)?.[0].length ?? 0;
  if (backslashes % 2 === 1) kept = kept.slice(0, -1);
  return kept + CUT_MARKER;
}
