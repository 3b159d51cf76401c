import { h } from './dom.js';

const SAFE_URL = /^(https?:|mailto:|tel:)/i;
const TOKEN =
  /\[icon=([0-9a-f-]+)(?: title=[^\]]*)?\]|\[(b|i|u|s|code)\]([\s\S]*?)\[\/\2\]|\[url=([^\]]+)\]([\s\S]*?)\[\/url\]|\[url\]([\s\S]*?)\[\/url\]|\[br\]/gi;

/**
 * Bidi controls and zero-width characters. The portal keeps them as the customer sent them
 * (docs/protocol.md, "Customer text: what is kept"); shown raw they could reorder or hide what an
 * operator reads ("invoice\u202Efdp.exe" looks like "invoiceexe.pdf"), so they are shown as markers.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/** @type {Record<string, string>} */
const SHORT_NAMES = {
  '\u200b': 'ZWSP',
  '\u200c': 'ZWNJ',
  '\u200d': 'ZWJ',
  '\u200e': 'LRM',
  '\u200f': 'RLM',
  '\u202a': 'LRE',
  '\u202b': 'RLE',
  '\u202c': 'PDF',
  '\u202d': 'LRO',
  '\u202e': 'RLO',
  '\u2060': 'WJ',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
  '\ufeff': 'ZWNBSP',
};

/** @param {string} c */
const codePoint = (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The marker shown for an invisible character, e.g. "⟨RLO⟩". @param {string} c */
const marker = (c) => `⟨${SHORT_NAMES[c] ?? codePoint(c)}⟩`;

/** A ZWJ that joins two emoji (👩‍💻) draws one emoji: that one is kept. @param {string} text @param {number} i */
const joinsEmoji = (text, i) =>
  text[i] === '\u200d' &&
  /\p{Extended_Pictographic}\ufe0f?$|\p{Emoji_Modifier}$/u.test(text.slice(Math.max(0, i - 3), i)) &&
  /^\p{Extended_Pictographic}/u.test(text.slice(i + 1, i + 3));

/**
 * Customer text as DOM nodes with its bidi controls and zero-width characters shown as inert
 * markers (their code point in the title) instead of taking effect.
 *
 * @param {string} text
 * @returns {Node[]}
 */
export function inertText(text) {
  /** @type {Node[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INVISIBLE)) {
    if (joinsEmoji(text, m.index)) continue;
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(h('span.invisible-char', { title: `${codePoint(m[0])}, an invisible character` }, marker(m[0])));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/**
 * Renders the portal's BB-code markup as DOM nodes: [b] [i] [u] [s] [code], [url], [icon=...]
 * (emoji code points) and [br]. Everything else, including HTML, stays plain text; links open
 * only with http(s), mailto or tel; invisible characters show as markers (inertText).
 *
 * @param {string} text
 * @returns {Node[]}
 */
export function renderMarkup(text) {
  /** @type {Node[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) out.push(...inertText(text.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1]) out.push(document.createTextNode(emoji(m[1]) ?? m[0]));
    else if (m[2]) {
      const tag = { b: 'strong', i: 'em', u: 'u', s: 's', code: 'code' }[m[2].toLowerCase()] ?? 'span';
      out.push(h(tag, null, ...renderMarkup(m[3] ?? '')));
    } else if (m[4] !== undefined) out.push(link(m[4], m[5] ?? m[4]));
    else if (m[6] !== undefined) out.push(link(m[6], m[6]));
    else out.push(h('br'));
  }
  if (last < text.length) out.push(...inertText(text.slice(last)));
  return out;
}

/** @param {string} href @param {string} label */
function link(href, label) {
  const url = href.trim();
  if (!SAFE_URL.test(url)) return h('span', null, ...inertText(label));
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

/** The markup as one line of plain text, for previews; invisible characters as markers. @param {string} text */
export function plainText(text) {
  return inertString(text)
    .replace(/\[icon=([0-9a-f-]+)[^\]]*\]/gi, (whole, code) => emoji(code) ?? whole)
    .replace(/\[\/?(b|i|u|s|code|url)(=[^\]]*)?\]/gi, '')
    .replace(/\[br\]/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A name or preview as a string, with invisible characters as markers (see inertText). @param {string} text */
export function inertString(text) {
  return text.replace(INVISIBLE, (c, i) => (joinsEmoji(text, i) ? c : marker(c)));
}
