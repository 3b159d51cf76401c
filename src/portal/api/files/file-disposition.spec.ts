import { describe, expect, it } from '@jest/globals';
import { dispositionFor, mayShowInline } from './file-disposition.js';

describe('file disposition', () => {
  describe('mayShowInline', () => {
    it('should show raster images, audio and video inline', () => {
      for (const mime of ['image/png', 'image/jpeg', 'image/webp', 'audio/ogg', 'video/mp4', 'IMAGE/GIF']) {
        expect([mime, mayShowInline(mime)]).toEqual([mime, true]);
      }
    });

    it('should download SVG, HTML, XML, scripts and anything unknown', () => {
      for (const mime of [
        'image/svg+xml',
        'image/SVG+XML',
        'text/html',
        'application/xhtml+xml',
        'text/xml',
        'application/javascript',
        'application/pdf',
        'application/octet-stream',
        'text/plain',
        '',
      ]) {
        expect([mime, mayShowInline(mime)]).toEqual([mime, false]);
      }
    });
  });

  describe('dispositionFor', () => {
    it('should quote hostile names instead of letting them break the header', () => {
      const header = dispositionFor('text/html', 'a";\r\nSet-Cookie: x=1.html');
      expect(header.startsWith('attachment; ')).toBe(true);
      expect(header).not.toMatch(/[\r\n]/);
    });
  });
});
