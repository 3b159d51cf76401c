import { describe, expect, it } from '@jest/globals';
import { bbCodeToHtml } from './bbcode-html.js';

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
