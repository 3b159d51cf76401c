import { describe, expect, it } from '@jest/globals';
import { entitiesToBbCode } from './entities.js';

describe('entitiesToBbCode', () => {
  it('should leave text without entities as it is', () => {
    expect(entitiesToBbCode('plain [text]', undefined)).toBe('plain [text]');
  });

  it('should count offsets in UTF-16 code units, so an emoji before a bold run counts two', () => {
    // "👋" is one code point but two UTF-16 units: "bold" starts at offset 3.
    const text = '👋 bold rest';
    expect(entitiesToBbCode(text, [{ type: 'bold', offset: 3, length: 4 }])).toBe('👋 [b]bold[/b] rest');
  });

  it('should write each supported style', () => {
    const text = 'b i u s c';
    const entities = ['bold', 'italic', 'underline', 'strikethrough', 'code'].map((type, n) => ({
      type,
      offset: n * 2,
      length: 1,
    }));
    expect(entitiesToBbCode(text, entities)).toBe('[b]b[/b] [i]i[/i] [u]u[/u] [s]s[/s] [code]c[/code]');
  });

  it('should nest entities inside one another', () => {
    const text = 'bold and italic';
    expect(
      entitiesToBbCode(text, [
        { type: 'bold', offset: 0, length: 15 },
        { type: 'italic', offset: 9, length: 6 },
      ]),
    ).toBe('[b]bold and [i]italic[/i][/b]');
  });

  it('should keep overlapping entities well nested', () => {
    expect(
      entitiesToBbCode('abcdef', [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 2, length: 4 },
      ]),
    ).toBe('[b]ab[i]cd[/i][/b][i]ef[/i]');
  });

  it('should write text links and bare links as [url=...]', () => {
    const text = 'see docs at https://example.com/a';
    expect(
      entitiesToBbCode(text, [
        { type: 'text_link', offset: 4, length: 4, url: 'https://example.com/docs?q=[1]' },
        { type: 'url', offset: 12, length: 21 },
      ]),
    ).toBe(
      'see [url=https://example.com/docs?q=[1%5D]docs[/url] at [url=https://example.com/a]https://example.com/a[/url]',
    );
  });

  it('should ignore entity types it does not carry', () => {
    expect(entitiesToBbCode('@ada #tag', [{ type: 'mention', offset: 0, length: 4 }])).toBe('@ada #tag');
  });
});
