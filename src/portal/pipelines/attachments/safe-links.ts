/** The only link targets our markup may carry; anything else (javascript:, data:, …) is made inert. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const SAFE_PREFIX = /^(?:https?:\/\/|mailto:|tel:)/i;
// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

const unquote = (v: string): string => v.trim().replace(/^(["'])(.*)\1$/, '$2');

/**
 * Whether a link target is safe to render as a link: http(s), mailto or tel only, checked on the
 * raw text (so "JaVaScRiPt:", entity tricks and embedded whitespace fail) and by the URL parser.
 */
export function isSafeLinkTarget(raw: string): boolean {
  const value = unquote(raw);
  if (!value || SPACE_OR_CONTROL.test(value) || !SAFE_PREFIX.test(value)) return false;
  try {
    return SAFE_PROTOCOLS.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Plain text standing for a refused link: the label, and the target shown but not linked. */
function inert(label: string, target: string): string {
  const shown = unquote(target).replace(/\[/g, '(').replace(/\]/g, ')');
  const text = label.trim();
  return text && text !== shown ? `${label} (${shown})` : shown;
}

/** Escapes what would end or break a `[url=…]` tag; the URL means the same afterwards. */
function escapeTarget(url: string): string {
  return url.replace(/\[/g, '%5B').replace(/\]/g, '%5D').replace(/"/g, '%22');
}

/** A `[url=…]label[/url]` link when the target is safe, else the label and target as plain text. */
export function bbLink(url: string, label: string): string {
  return isSafeLinkTarget(url) ? `[url=${escapeTarget(url.trim())}]${label}[/url]` : inert(label, url);
}

const URL_PAIR = /\[url=([^\]]*)\]([\s\S]*?)\[\/url\]/gi;
const URL_BARE = /\[url\]([\s\S]*?)\[\/url\]/gi;
const URL_OPEN = /\[url=([^\]]*)\]/gi;

/**
 * Makes every unsafe `[url]` in a text inert: `[url=X]label[/url]` and `[url]X[/url]` with a target
 * that is not http(s)/mailto/tel become plain text, and so does an unclosed `[url=X]`.
 */
export function sanitizeLinks(text: string): string {
  return text
    .replace(URL_PAIR, (whole, target: string, label: string) =>
      isSafeLinkTarget(target) ? whole : inert(label, target),
    )
    .replace(URL_BARE, (whole, target: string) => (isSafeLinkTarget(target) ? whole : inert('', target)))
    .replace(URL_OPEN, (whole, target: string) => (isSafeLinkTarget(target) ? whole : inert('', target)));
}
