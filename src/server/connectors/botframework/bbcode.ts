const escapeMarkdown = (text: string) => text.replace(/([\\`*_~[\]<>])/g, '\\$1');

const MARKS: Partial<Record<string, string>> = { b: '**', i: '_', s: '~~', code: '`' };

/** BB-code tags without a markdown form, dropped keeping their content; other brackets stay text. */
const DROPPED = new Set(['u', 'color', 'size', 'font', 'quote', 'left', 'center', 'right', 'user', 'chat']);

const percent = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Operator text (OLP BB-code) as Bot Framework markdown: [b] [i] [s] [code] [url] and [br]
 * become their markdown forms, [u] and other tags are dropped; text outside tags is escaped so
 * it cannot turn into markdown of its own.
 */
export function bbcodeToMarkdown(text: string): string {
  const tag = /\[(\/?)([a-z]+)(?:=([^\]]*))?\]/gi;
  let out = '';
  let last = 0;
  const hrefs: string[] = [];
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const name = m[2].toLowerCase();
    if (name !== 'url' && name !== 'br' && !MARKS[name] && !DROPPED.has(name)) continue;
    out += escapeMarkdown(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, closing, , value] = m;
    if (name === 'url' && !closing && !value) {
      // [url]address[/url]: the address itself, unescaped, as an autolink.
      const end = text.toLowerCase().indexOf('[/url]', last);
      const address = text.slice(last, end < 0 ? undefined : end).trim();
      if (address) out += `<${address.replace(/[<>\s]/g, percent)}>`;
      last = end < 0 ? text.length : end + '[/url]'.length;
      tag.lastIndex = last;
    } else if (name === 'url' && !closing) {
      hrefs.push(value);
      out += '[';
    } else if (name === 'url') {
      const href = hrefs.pop();
      out += href === undefined ? '' : `](${href.trim().replace(/[()\s]/g, percent)})`;
    } else if (name === 'br') {
      out += '\n';
    } else {
      out += MARKS[name] ?? '';
    }
  }
  return out + escapeMarkdown(text.slice(last));
}
