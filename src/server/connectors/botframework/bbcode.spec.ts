import { describe, expect, it } from '@jest/globals';
import { bbcodeToMarkdown } from './bbcode.js';

describe(bbcodeToMarkdown.name, () => {
  it.each([
    ['plain text', 'plain text'],
    ['[b]bold[/b] and [i]italic[/i]', '**bold** and _italic_'],
    ['[s]gone[/s] [u]under[/u] [code]x = 1[/code]', '~~gone~~ under `x = 1`'],
    ['line one[br]line two', 'line one\nline two'],
    ['see [url=https://example.com/a_(b)]the docs[/url]', 'see [the docs](https://example.com/a_%28b%29)'],
    ['[url]https://example.com/a_b[/url]', '<https://example.com/a_b>'],
    ['2*3 = 6 and snake_case [tag] `tick`', '2\\*3 = 6 and snake\\_case \\[tag\\] \\`tick\\`'],
    ['[B]upper[/B] [color=red]red[/color]', '**upper** red'],
  ])('should write %j as %j', (bbcode, markdown) => {
    expect(bbcodeToMarkdown(bbcode)).toBe(markdown);
  });
});
