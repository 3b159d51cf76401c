import { createRequire } from 'node:module';
import { Injectable } from '@nestjs/common';
import {
  EMOTICON_OPTIONS,
  flattenEmojiData,
  generateEmoticonPermutations,
  type Emoji,
  type ShortcodesDataset,
} from 'emojibase';

export interface EmojiEntry {
  /** Code points in lowercase hex joined by "-", without FE0F (emojibase's hexcode so reduced). */
  code: string;
  /** A shortname without colons (JoyPixels, else emojibase's own for emoji JoyPixels lacks). */
  name: string;
}

const require = createRequire(import.meta.url);
// CommonJS modules whose typings claim a default export they do not have: required directly.
const EMOJI_REGEX = require('emojibase-regex/emoji') as RegExp;
const SHORTCODE_REGEX = require('emojibase-regex/shortcode') as RegExp;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Emojibase hexcode ("0023-FE0F-20E3") to our icon code ("0023-20e3"). */
export function codeOfHexcode(hexcode: string): string {
  return hexcode
    .toLowerCase()
    .split('-')
    .filter((part) => part !== 'fe0f')
    .join('-');
}

/** The icon code of an emoji as it appears in text, with or without its variation selectors. */
export function codeOfText(emoji: string): string {
  return [...emoji]
    .map((ch) => ch.codePointAt(0)!.toString(16).padStart(4, '0'))
    .filter((part) => part !== 'fe0f')
    .join('-');
}

/**
 * Emoticons that are ordinary words or list markers ("XD", "xo", "Dx", "8)", "8D") would fire in
 * normal text, so only those with punctuation that do not start with a digit are used.
 */
function usableEmoticon(emoticon: string): boolean {
  return /[^\p{L}\p{N}]/u.test(emoticon) && !/^\d/.test(emoticon);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * The emoji dataset (emojibase-data: Unicode emoji with skin tones, JoyPixels shortcodes,
 * emoticons), loaded once when the app starts and shared by every message.
 */
@Injectable()
export class EmojiCatalog {
  private readonly byCode = new Map<string, EmojiEntry>();
  private readonly byShortcode = new Map<string, EmojiEntry>();
  private readonly byEmoticon = new Map<string, EmojiEntry>();
  /** Unicode emoji | :shortcode: | emoticon, with the boundaries each needs; see EmojiParser. */
  readonly pattern: RegExp;

  constructor() {
    const data = require('emojibase-data/en/data.json') as Emoji[];
    const joypixels = require('emojibase-data/en/shortcodes/joypixels.json') as ShortcodesDataset;
    const emojibase = require('emojibase-data/en/shortcodes/emojibase.json') as ShortcodesDataset;
    for (const emoji of flattenEmojiData(data)) {
      const name = first(joypixels[emoji.hexcode]) ?? first(emojibase[emoji.hexcode]);
      if (!name) continue;
      const entry = { code: codeOfHexcode(emoji.hexcode), name };
      this.byCode.set(entry.code, entry);
      for (const shortcode of [joypixels[emoji.hexcode] ?? []].flat()) {
        this.byShortcode.set(shortcode, { code: entry.code, name: shortcode });
      }
      for (const emoticon of [emoji.emoticon ?? []].flat()) {
        for (const variant of generateEmoticonPermutations(emoticon, EMOTICON_OPTIONS[emoticon])) {
          if (usableEmoticon(variant) && !this.byEmoticon.has(variant)) this.byEmoticon.set(variant, entry);
        }
      }
    }
    const emoticons = [...this.byEmoticon.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    // No `u` flag: the emojibase pattern is written with surrogate pairs. Shortcodes may not touch a
    // letter or digit ("10:30:45"), emoticons must stand alone between spaces or end punctuation.
    this.pattern = new RegExp(
      `(${EMOJI_REGEX.source})|(?<![\\w])(${SHORTCODE_REGEX.source})(?![\\w])|(?<=^|\\s)(${emoticons})(?=$|[\\s.,!?;])`,
      'g',
    );
  }

  unicode(emoji: string): EmojiEntry | undefined {
    return this.byCode.get(codeOfText(emoji));
  }

  shortcode(shortcode: string): EmojiEntry | undefined {
    return this.byShortcode.get(shortcode);
  }

  emoticon(emoticon: string): EmojiEntry | undefined {
    return this.byEmoticon.get(emoticon);
  }
}
