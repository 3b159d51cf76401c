import { describe, expect, it } from '@jest/globals';
import { formatDate, QUOTE_RULE, renderAttachments } from './attachment-renderer.js';

const DATE = Date.UTC(2026, 0, 2, 9, 30) / 1000;

describe('renderAttachments', () => {
  it('should leave the text alone without attachments', () => {
    expect(renderAttachments('hello', [])).toBe('hello');
  });

  describe('forward', () => {
    it('should frame the message text as the forwarded content, with author and date', () => {
      const out = renderAttachments('original words', [
        { forward: { user: { name: 'Ada', last_name: 'Lovelace' }, date: DATE } },
      ]);
      expect(out).toBe(
        [
          QUOTE_RULE,
          'Ada Lovelace [2026-01-02 09:30 UTC]',
          '[b]Forwarded message[/b]',
          'original words',
          QUOTE_RULE,
        ].join('\n'),
      );
    });

    it("should keep the sender's comment above a forwarded text given separately", () => {
      const out = renderAttachments('look at this', [{ forward: { text: 'the forwarded words' } }]);
      expect(out).toBe(
        ['look at this', QUOTE_RULE, '[b]Forwarded message[/b]', 'the forwarded words', QUOTE_RULE].join(
          '\n',
        ),
      );
    });
  });

  describe('reply', () => {
    it('should quote the replied-to message above the answer', () => {
      const out = renderAttachments('yes, agreed', [
        { reply: { user: { name: 'Bob' }, text: 'shall we?', date: DATE } },
      ]);
      expect(out).toBe(
        [QUOTE_RULE, `Bob [${formatDate(DATE)}]`, 'shall we?', QUOTE_RULE, 'yes, agreed'].join('\n'),
      );
    });
  });

  describe('location', () => {
    it('should add the place and an OpenStreetMap link', () => {
      const out = renderAttachments('', [
        {
          location: {
            title: 'Office',
            text: 'Main St 1',
            coordinates: { latitude: 55.7558, longitude: 37.6173 },
          },
        },
      ]);
      expect(out).toBe(
        [
          'Office',
          'Main St 1',
          '[url=https://www.openstreetmap.org/?mlat=55.755800&mlon=37.617300#map=16/55.755800/37.617300]55.755800, 37.617300[/url]',
        ].join('\n'),
      );
    });

    it('should accept flat and string coordinates', () => {
      const out = renderAttachments('here', [{ location: { latitude: '-33.8688', longitude: '151.2093' } }]);
      expect(out).toContain('Location');
      expect(out).toContain('mlat=-33.868800&mlon=151.209300');
    });

    it('should say so when coordinates are missing or out of range', () => {
      expect(renderAttachments('', [{ location: { title: 'Nowhere', latitude: 91, longitude: 0 } }])).toBe(
        'Nowhere\n(no valid coordinates)',
      );
    });
  });

  describe('contact', () => {
    it('should list name, phone and e-mail with tel and mailto links', () => {
      const out = renderAttachments('my friend', [
        {
          contact: { name: 'Ada', last_name: 'Lovelace', phone: '+1 (555) 123-45', email: 'ada@example.org' },
        },
      ]);
      expect(out).toBe(
        [
          'my friend',
          'Contact: Ada Lovelace',
          'Phone: [url=tel:+155512345]+1 (555) 123-45[/url]',
          'E-mail: [url=mailto:ada@example.org]ada@example.org[/url]',
        ].join('\n'),
      );
    });
  });

  describe('wall', () => {
    it('should link the post and add its text', () => {
      const out = renderAttachments('', [
        { wall: { url: 'https://vk.com/wall-1_2', name: 'Club news', date: DATE, text: 'Sale!' } },
      ]);
      expect(out).toBe(
        `[url=https://vk.com/wall-1_2]Wall post Club news of ${formatDate(DATE)}[/url]\nSale!`,
      );
    });

    it('should render a hostile post link as plain text', () => {
      const out = renderAttachments('', [{ wall: { url: 'javascript:alert(1)', name: 'x' } }]);
      expect(out).toBe('Wall post x (javascript:alert(1))');
      expect(out).not.toContain('[url');
    });
  });

  it('should render several attachments in order', () => {
    const out = renderAttachments('hi', [{ contact: { name: 'Ada' } }, { contact: { phone: '123' } }]);
    expect(out).toBe('hi\nContact: Ada\nPhone: [url=tel:123]123[/url]');
  });

  it('should name unsupported and unreadable attachments instead of dropping them silently', () => {
    expect(renderAttachments('hi', [{ sticker: { id: 1 } }])).toBe(
      'hi\n[i]Attachment not shown (unsupported kind: sticker)[/i]',
    );
    expect(renderAttachments('hi', [{ location: 'somewhere' }])).toBe(
      'hi\n[i]Attachment not shown (unreadable location)[/i]',
    );
  });
});
