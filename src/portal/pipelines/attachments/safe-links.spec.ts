import { describe, expect, it } from '@jest/globals';
import { bbLink, isSafeLinkTarget, sanitizeLinks } from './safe-links.js';

describe('isSafeLinkTarget', () => {
  it.each([
    'https://example.org/a?b=1',
    'http://example.org',
    'mailto:ada@example.org',
    'tel:+15551234',
    ' "https://x.org" ',
  ])('should accept %s', (url) => expect(isSafeLinkTarget(url)).toBe(true));

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    '&#106;avascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative',
    'https://exa mple.org',
    '',
  ])('should refuse %j', (url) => expect(isSafeLinkTarget(url)).toBe(false));
});

describe('bbLink', () => {
  it('should link a safe target, escaping brackets that would end the tag', () => {
    expect(bbLink('https://x.org/a[1]', 'label')).toBe('[url=https://x.org/a%5B1%5D]label[/url]');
  });

  it('should render a hostile target as plain text', () => {
    expect(bbLink('javascript:alert(1)', 'click')).toBe('click (javascript:alert(1))');
    expect(bbLink('javascript:alert(1)', 'javascript:alert(1)')).toBe('javascript:alert(1)');
  });
});

describe('sanitizeLinks', () => {
  it('should keep safe links as they are', () => {
    const text =
      'see [url=https://x.org]this[/url] and [URL]http://y.org[/URL] or [url=mailto:a@b.c]mail[/url]';
    expect(sanitizeLinks(text)).toBe(text);
  });

  it('should make hostile [url=…] links inert plain text', () => {
    expect(sanitizeLinks('hi [url=javascript:alert(document.cookie)]prize[/url]!')).toBe(
      'hi prize (javascript:alert(document.cookie))!',
    );
    expect(sanitizeLinks('[URL="JavaScript:alert(1)"]x[/URL]')).toBe('x (JavaScript:alert(1))');
  });

  it('should make hostile [url]…[/url] and unclosed [url=…] inert', () => {
    expect(sanitizeLinks('[url]javascript:alert(1)[/url]')).toBe('javascript:alert(1)');
    expect(sanitizeLinks('a [url=data:text/html,x]b')).toBe('a data:text/html,xb');
  });

  it('should catch a hostile link nested in a safe one', () => {
    const out = sanitizeLinks('[url=https://ok.org][url=javascript:evil()]x[/url][/url]');
    expect(out).not.toMatch(/\[url=javascript/i);
    expect(out).toContain('[url=https://ok.org]');
  });
});
