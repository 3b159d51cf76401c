import { describe, expect, it } from '@jest/globals';
import {
  CUT_MARKER,
  findUnstorable,
  fitText,
  MAX_TEXT_LENGTH,
  normalizeStrings,
  normalizeText,
} from './customer-text.js';
import { messageSchema } from './packets.js';

const RTL_OVERRIDE = '\u202e';
const ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff';

describe('normalizeText', () => {
  it('should strip NUL and lone surrogates', () => {
    expect(normalizeText('a\0b\ud800c\udc00d\0')).toBe('abcd');
  });

  it('should keep surrogate pairs, bidi controls and zero-width characters', () => {
    const text = `👍 ${RTL_OVERRIDE}gnp.exe${ZERO_WIDTH} \u2066x\u2069 \u200f`;
    expect(normalizeText(text)).toBe(text);
  });
});

describe('normalizeStrings', () => {
  it('should normalise every string of a JSON value, keys included', () => {
    expect(normalizeStrings({ 'k\0': ['a\0', 1, null, { b: '\udfffc' }], n: 2 })).toEqual({
      k: ['a', 1, null, { b: 'c' }],
      n: 2,
    });
  });

  it('should return the same value when nothing changes', () => {
    const value = { a: ['x', { b: 'y' }] };
    expect(normalizeStrings(value)).toBe(value);
  });
});

describe('findUnstorable', () => {
  it('should name the path of the first string holding NUL or a lone surrogate', () => {
    expect(findUnstorable({ a: 'ok', b: [{ c: 'x\0' }] })).toBe('b.0.c');
    expect(findUnstorable({ 'k\ud800': 1 })).toBe('k\ud800');
    expect(findUnstorable('\udc00')).toBe('');
  });

  it('should find nothing in storable values, bidi and zero-width characters included', () => {
    expect(findUnstorable({ a: `👍${RTL_OVERRIDE}${ZERO_WIDTH}`, n: 1, z: null })).toBeNull();
  });
});

describe('fitText', () => {
  it(`should keep a text of ${MAX_TEXT_LENGTH} characters whole`, () => {
    const text = 'x'.repeat(MAX_TEXT_LENGTH);
    expect(fitText(text)).toBe(text);
  });

  it('should cut a longer text to the limit, ending with the marker', () => {
    const cut = fitText('x'.repeat(MAX_TEXT_LENGTH + 1));
    expect(cut).toHaveLength(MAX_TEXT_LENGTH);
    expect(cut.endsWith(CUT_MARKER)).toBe(true);
  });

  it('should not split a surrogate pair or leave a dangling escape', () => {
    const room = MAX_TEXT_LENGTH - CUT_MARKER.length;
    const pair = fitText(`${'x'.repeat(room - 1)}👍${'y'.repeat(100)}`);
    expect(pair).toBe(`${'x'.repeat(room - 1)}${CUT_MARKER}`);
    const escape = fitText(`${'x'.repeat(room - 1)}\\[${'y'.repeat(100)}`);
    expect(escape).toBe(`${'x'.repeat(room - 1)}${CUT_MARKER}`);
  });
});

describe('messageSchema', () => {
  it('should give a message whose strings are storable and whose text fits', () => {
    const parsed = messageSchema.parse({
      type_message: 'message',
      user: { id: 'u\0', name: `Ann\0${RTL_OVERRIDE}` },
      chat: { id: 7 },
      message: { id: 'm1', date: 1, text: `hi\0\ud800${'x'.repeat(MAX_TEXT_LENGTH)}` },
    });
    expect(parsed.user).toEqual({ id: 'u', name: `Ann${RTL_OVERRIDE}` });
    expect(parsed.chat.id).toBe('7');
    expect(parsed.message.text).toHaveLength(MAX_TEXT_LENGTH);
    expect(parsed.message.text?.startsWith('hixxx')).toBe(true);
  });
});
