import type { EmojiCatalog, EmojiEntry } from './emoji-catalog.js';

// Tag names of our BB-code markup; a bracketed word that is not one of them is ordinary text.
const TAGS = [
  'b|i|u|s|url|img|code|quote|icon|size|color|font|user|chat|br|put|send|list|\\*',
  'left|right|center|justify|spoiler|table|tr|td|th|p|call|date|attach',
].join('|');

/**
 * Parts of a text that must not change: [code] blocks (to the end if unclosed), [url]…[/url]
 * (its content is the address), any markup tag with its attributes ([url=…], [icon=… title=…]),
 * and bare URLs, www. addresses and mailto:/tel: links.
 */
const PROTECTED = new RegExp(
  [
    String.raw`\[code\][\s\S]*?(?:\[\/code\]|$)`,
    String.raw`\[url\][\s\S]*?\[\/url\]`,
    String.raw`\[\/?(?:${TAGS})(?:[= ][^\[\]\n]*)?\]`,
    String.raw`\b[a-z][a-z\d+.-]*:\/\/[^\s\[\]]*`,
    String.raw`\bwww\.[^\s\[\]]+`,
    String.raw`\b(?:mailto|tel):[^\s\[\]]+`,
  ].join('|'),
  'gi',
);

export const iconTag = (entry: EmojiEntry): string => `[icon=${entry.code} title=:${entry.name}:]`;

function convert(segment: string, catalog: EmojiCatalog): string {
  return segment.replace(
    catalog.pattern,
    (whole, unicode?: string, shortcode?: string, emoticon?: string) => {
      const entry = unicode
        ? catalog.unicode(unicode)
        : shortcode
          ? catalog.shortcode(shortcode.slice(1, -1))
          : emoticon
            ? catalog.emoticon(emoticon)
            : undefined;
      return entry ? iconTag(entry) : whole;
    },
  );
}

/**
 * Turns Unicode emoji, JoyPixels :shortnames: and ASCII smileys into [icon=CODE title=:NAME:] tags,
 * leaving code blocks, links and markup untouched.
 */
export function replaceEmoji(text: string, catalog: EmojiCatalog): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PROTECTED)) {
    out += convert(text.slice(last, m.index), catalog) + m[0];
    last = m.index + m[0].length;
  }
  return out + convert(text.slice(last), catalog);
}
