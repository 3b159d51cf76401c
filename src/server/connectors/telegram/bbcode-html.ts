const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for Telegram's HTML parse mode (which knows only these four entities). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);

const SIMPLE: Record<string, string> = { b: 'b', i: 'i', u: 'u', s: 's', code: 'code' };
const TAG = /\[(\/?)(b|i|u|s|code|url|br)(?:=([^\]]*))?\]/gi;
const SAFE_URL = /^(https?:\/\/|tg:\/\/|mailto:)/i;

interface Open {
  name: string;
  html: string | null;
}

/**
 * Turns the portal's BB-code into the HTML that Telegram's `parse_mode: "HTML"` accepts: [b] [i]
 * [u] [s] [code] and [url] become tags, [br] a line break, and everything else (unknown tags,
 * stray closings) stays as escaped text. Links other than http(s), tg and mailto keep their
 * text only. Inside [code] no other tag applies, as Telegram allows none there.
 */
export function bbCodeToHtml(bbcode: string): string {
  const stack: Open[] = [];
  let out = '';
  let at = 0;
  for (const match of bbcode.matchAll(TAG)) {
    const [raw, slash, rawName, arg] = match;
    const name = rawName.toLowerCase();
    const inCode = stack.some((o) => o.name === 'code');
    if (inCode && !(slash && name === 'code')) continue;
    out += escapeHtml(bbcode.slice(at, match.index));
    at = match.index + raw.length;
    if (name === 'br') {
      out += '\n';
    } else if (!slash) {
      let html: string | null;
      if (name === 'url') {
        // [url]address[/url]: the address is the text too.
        const end = arg === undefined ? bbcode.toLowerCase().indexOf('[/url]', at) : -1;
        const href =
          arg === undefined
            ? end < 0
              ? ''
              : bbcode.slice(at, end).trim()
            : arg.trim().replace(/^"(.*)"$/, '$1');
        html = SAFE_URL.test(href) ? `<a href="${escapeHtml(href)}">` : null;
      } else {
        html = `<${SIMPLE[name]}>`;
      }
      stack.push({ name, html });
      if (html) out += html;
    } else {
      const index = stack.map((o) => o.name).lastIndexOf(name);
      if (index < 0) {
        out += escapeHtml(raw);
        continue;
      }
      for (const open of stack.splice(index).reverse()) out += closeOf(open);
    }
  }
  out += escapeHtml(bbcode.slice(at));
  for (const open of stack.reverse()) out += closeOf(open);
  return out;
}

function closeOf(open: Open): string {
  if (!open.html) return '';
  return open.name === 'url' ? '</a>' : `</${SIMPLE[open.name]}>`;
}

/**
 * The tags still open at the end of `bbcode`, as written (`[b][url=…]`), outermost first; the same
 * reading as bbCodeToHtml's (nothing is a tag inside [code], stray closings are text).
 */
function openTagsAtEnd(bbcode: string): string {
  const stack: { name: string; raw: string }[] = [];
  for (const [raw, slash, rawName] of bbcode.matchAll(TAG)) {
    const name = rawName.toLowerCase();
    if (stack.some((o) => o.name === 'code') && !(slash && name === 'code')) continue;
    if (name === 'br') continue;
    if (!slash) {
      stack.push({ name, raw });
      continue;
    }
    const index = stack.map((o) => o.name).lastIndexOf(name);
    if (index >= 0) stack.splice(index);
  }
  return stack.map((o) => o.raw).join('');
}

/** Where to cut `text` to keep at most `room` characters: a line break, else a space, in the back half. */
function cutPoint(text: string, room: number): number {
  let cut = room;
  // Not inside a tag: a `[` with no `]` after it before the cut may open one.
  const open = text.lastIndexOf('[', cut - 1);
  if (open > text.lastIndexOf(']', cut - 1) && open > 0) cut = open;
  const window = text.slice(0, cut);
  const line = window.lastIndexOf('\n');
  const space = window.lastIndexOf(' ');
  if (line >= cut / 2) cut = line;
  else if (space >= cut / 2) cut = space;
  // Never between the two halves of a surrogate pair (an emoji).
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/**
 * Cuts BB-code into parts of at most `limit` characters, at a line break or else a space where one
 * is near, never inside a tag. Tags open at a cut are closed there (bbCodeToHtml closes what is
 * left open) and opened again at the start of the next part, so formatting carries over. A part's
 * raw length bounds its length once Telegram has parsed it (tags vanish, entities are one
 * character), which is what Telegram's 4,096-character limit counts.
 */
export function splitBbCode(bbcode: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = bbcode;
  let reopen = '';
  while (reopen.length + rest.length > limit) {
    // Formatting is given up rather than crowding out the text (very long link addresses).
    if (reopen.length > limit / 4) reopen = '';
    const cut = Math.max(1, cutPoint(rest, limit - reopen.length));
    const part = reopen + rest.slice(0, cut);
    parts.push(part);
    reopen = openTagsAtEnd(part);
    // The line break or space cut at goes with the cut.
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.trim() !== '' || parts.length === 0) parts.push(reopen + rest);
  return parts;
}
