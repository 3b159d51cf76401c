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
