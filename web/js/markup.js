import { h } from './dom.js';

const SAFE_URL = /^(https?:|mailto:|tel:)/i;
const TOKEN =
  /\[icon=([0-9a-f-]+)(?: title=[^\]]*)?\]|\[(b|i|u|s|code)\]([\s\S]*?)\[\/\2\]|\[url=([^\]]+)\]([\s\S]*?)\[\/url\]|\[url\]([\s\S]*?)\[\/url\]|\[br\]/gi;

/**
 * Renders the portal's BB-code markup as DOM nodes: [b] [i] [u] [s] [code], [url], [icon=...]
 * (emoji code points) and [br]. Everything else, including HTML, stays plain text; links open
 * only with http(s), mailto or tel.
 *
 * @param {string} text
 * @returns {Node[]}
 */
export function renderMarkup(text) {
  /** @type {Node[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1]) out.push(document.createTextNode(emoji(m[1]) ?? m[0]));
    else if (m[2]) {
      const tag = { b: 'strong', i: 'em', u: 'u', s: 's', code: 'code' }[m[2].toLowerCase()] ?? 'span';
      out.push(h(tag, null, ...renderMarkup(m[3] ?? '')));
    } else if (m[4] !== undefined) out.push(link(m[4], m[5] ?? m[4]));
    else if (m[6] !== undefined) out.push(link(m[6], m[6]));
    else out.push(h('br'));
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/** @param {string} href @param {string} label */
function link(href, label) {
  const url = href.trim();
  if (!SAFE_URL.test(url)) return document.createTextNode(label);
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, ...renderMarkup(label));
}

/** @param {string} code e.g. "1f44d-1f3fb" */
function emoji(code) {
  try {
    return String.fromCodePoint(...code.split('-').map((c) => parseInt(c, 16)));
  } catch {
    return undefined;
  }
}

/** The markup as one line of plain text, for previews. @param {string} text */
export function plainText(text) {
  return text
    .replace(/\[icon=([0-9a-f-]+)[^\]]*\]/gi, (whole, code) => emoji(code) ?? whole)
    .replace(/\[\/?(b|i|u|s|code|url)(=[^\]]*)?\]/gi, '')
    .replace(/\[br\]/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
