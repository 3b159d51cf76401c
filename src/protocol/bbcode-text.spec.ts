import { describe, expect, it } from '@jest/globals';
import { escapeBbText, unescapeBbText } from './bbcode-text.js';

describe('escapeBbText', () => {
  it('should escape brackets and backslashes so that typed tags stay literal', () => {
    expect(escapeBbText('[url=https://evil.example]x[/url] \\o/')).toBe(
      '\\[url=https://evil.example\\]x\\[/url\\] \\\\o/',
    );
  });

  it('should leave text without brackets or backslashes as it is', () => {
    expect(escapeBbText('hello, мир 👍')).toBe('hello, мир 👍');
  });
});

describe('unescapeBbText', () => {
  it.each(['[b]bold[/b]', 'a\\b', '\\[', ']]\\\\[[', 'plain'])('should round-trip %j', (text) => {
    expect(unescapeBbText(escapeBbText(text))).toBe(text);
  });
});
