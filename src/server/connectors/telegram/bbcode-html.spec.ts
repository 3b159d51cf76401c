import { describe, expect, it } from '@jest/globals';
import { bbCodeToHtml, splitBbCode } from './bbcode-html.js';

describe('bbCodeToHtml', () => {
  it('should escape what HTML would read as markup', () => {
    expect(bbCodeToHtml('1 < 2 && "3" > 2 <b>not bold</b>')).toBe(
      '1 &lt; 2 &amp;&amp; &quot;3&quot; &gt; 2 &lt;b&gt;not bold&lt;/b&gt;',
    );
  });

  it('should turn the styles into tags, nested', () => {
    expect(bbCodeToHtml('[b]bold [i]both[/i][/b] [u]u[/u] [s]s[/s] [code]x<y[/code]')).toBe(
      '<b>bold <i>both</i></b> <u>u</u> <s>s</s> <code>x&lt;y</code>',
    );
  });

  it('should turn links into anchors with an escaped address', () => {
    expect(bbCodeToHtml('[url=https://example.com/?a=1&b="2"]here[/url] [url]https://x.org[/url]')).toBe(
      '<a href="https://example.com/?a=1&amp;b=&quot;2&quot;">here</a> <a href="https://x.org">https://x.org</a>',
    );
  });

  it('should keep only the text of a link with another scheme', () => {
    expect(bbCodeToHtml('[url=javascript:alert(1)]click[/url]')).toBe('click');
  });

  it('should close tags left open and keep stray closings and unknown tags as text', () => {
    expect(bbCodeToHtml('[b]open [/i] [quote]q[/quote]')).toBe('<b>open [/i] [quote]q[/quote]</b>');
  });

  it('should apply no tag inside [code] and turn [br] into a line break', () => {
    expect(bbCodeToHtml('[code][b]raw[/b][/code][br]next')).toBe('<code>[b]raw[/b]</code>\nnext');
  });
});

describe('splitBbCode', () => {
  it('should keep a text within the limit whole', () => {
    expect(splitBbCode('[b]short[/b]', 4096)).toEqual(['[b]short[/b]']);
    expect(splitBbCode('', 10)).toEqual(['']);
  });

  it('should cut at line breaks, else spaces, with no part over the limit and nothing lost', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} ${'word '.repeat(i % 7)}`.trim());
    const text = lines.join('\n');
    const parts = splitBbCode(text, 100);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(100);
    // Cut at line breaks: every part is whole lines, and together they are all the lines.
    expect(parts.flatMap((p) => p.split('\n'))).toEqual(lines);

    const words = 'lorem ipsum dolor sit amet '.repeat(20).trim();
    const wordParts = splitBbCode(words, 50);
    for (const part of wordParts) expect(part.length).toBeLessThanOrEqual(50);
    expect(wordParts.join(' ')).toBe(words);
  });

  it('should cut a text without spaces hard, but not between the halves of an emoji', () => {
    const text = 'a'.repeat(9) + '😀' + 'b'.repeat(9);
    const parts = splitBbCode(text, 10);
    expect(parts.join('')).toBe(text);
    expect(parts[0]).toBe('a'.repeat(9));
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(10);
  });

  it('should never cut inside a tag, and carry open formatting over to the next part', () => {
    const text = `${'x '.repeat(10)}[b]bold ${'y '.repeat(20)}[/b] end`;
    const parts = splitBbCode(text, 30);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(30);
    const html = parts.map(bbCodeToHtml);
    // Every part is well formed, and the bold text stays bold across the cut.
    for (const h of html) expect(h).not.toMatch(/\[\/?b\]/);
    expect(html[0]).toContain('<b>bold');
    for (const h of html.slice(1)) expect(h.startsWith('<b>')).toBe(true);
    expect(html.at(-1)).toMatch(/<\/b> end$/);
    const plain = (t: string) => t.replace(/<[^>]+>|\[\/?b\]/g, '').replace(/\s+/g, ' ');
    expect(plain(html.join(' '))).toBe(plain(text));
  });

  it('should keep a [code] block as code across a cut, its inner brackets as text', () => {
    const parts = splitBbCode(`[code]${'a[b] '.repeat(10)}[/code]`, 24);
    for (const part of parts.slice(1)) expect(part.startsWith('[code]')).toBe(true);
    for (const html of parts.map(bbCodeToHtml)) expect(html).toMatch(/^<code>.*<\/code>$/s);
  });
});
