import { beforeAll, describe, expect, it } from '@jest/globals';
import { codeOfHexcode, codeOfText, EmojiCatalog } from './emoji-catalog.js';
import { replaceEmoji } from './emoji-parser.js';

describe('replaceEmoji', () => {
  let catalog: EmojiCatalog;
  beforeAll(() => {
    catalog = new EmojiCatalog();
  });
  const run = (text: string) => replaceEmoji(text, catalog);

  describe('Unicode emoji', () => {
    it('should turn a simple emoji into an icon with its JoyPixels name', () => {
      expect(run('hi 😄!')).toBe('hi [icon=1f604 title=:smile:]!');
    });

    it('should keep skin tones in the code', () => {
      expect(run('👋🏻 👍🏿')).toBe(
        '[icon=1f44b-1f3fb title=:wave_tone1:] [icon=1f44d-1f3ff title=:thumbsup_tone5:]',
      );
    });

    it('should keep ZWJ sequences whole', () => {
      expect(run('👨‍👩‍👧')).toBe('[icon=1f468-200d-1f469-200d-1f467 title=:family_mwg:]');
      expect(run('🏳️‍🌈')).toBe('[icon=1f3f3-200d-1f308 title=:rainbow_flag:]');
      expect(run('👩🏽‍💻')).toBe('[icon=1f469-1f3fd-200d-1f4bb title=:woman_technologist_tone3:]');
    });

    it('should drop FE0F from the code of keycaps and presentation-selected emoji', () => {
      expect(run('#️⃣ 1️⃣ ❤️')).toBe(
        '[icon=0023-20e3 title=:hash:] [icon=0031-20e3 title=:one:] [icon=2764 title=:heart:]',
      );
    });

    it('should convert flags', () => {
      expect(run('🇺🇦')).toBe('[icon=1f1fa-1f1e6 title=:flag_ua:]');
    });

    it('should leave plain digits, # and text-presentation symbols as text', () => {
      expect(run('call 1 # © ™')).toBe('call 1 # © ™');
    });

    it('should name emoji JoyPixels lacks by their emojibase shortcode', () => {
      expect(run('🫩')).toBe('[icon=1fae9 title=:face_with_eye_bags:]');
    });
  });

  describe(':shortnames:', () => {
    it('should convert JoyPixels shortnames, keeping the one used', () => {
      expect(run(':smile: :thumbsup: :+1:')).toBe(
        '[icon=1f604 title=:smile:] [icon=1f44d title=:thumbsup:] [icon=1f44d title=:+1:]',
      );
    });

    it('should convert shortnames written back to back', () => {
      expect(run(':smile::heart:')).toBe('[icon=1f604 title=:smile:][icon=2764 title=:heart:]');
    });

    it('should leave unknown names and colons in times alone', () => {
      expect(run(':not_an_emoji: at 10:30:45, ratio a:b:c')).toBe(':not_an_emoji: at 10:30:45, ratio a:b:c');
    });
  });

  describe('ASCII smileys', () => {
    it('should convert standalone smileys and their nose variants', () => {
      expect(run(':) :-) ;) :D <3')).toBe(
        '[icon=1f642 title=:slight_smile:] [icon=1f642 title=:slight_smile:] [icon=1f609 title=:wink:] ' +
          '[icon=1f604 title=:smile:] [icon=2764 title=:heart:]',
      );
    });

    it('should convert a smiley at the end of a sentence', () => {
      expect(run('thanks :).')).toBe('thanks [icon=1f642 title=:slight_smile:].');
    });

    it('should not fire inside words, URLs or times', () => {
      const text = 'see http://x.org/:/ and https://a.b/c:) at 10:30 or a:b, user:pass, 8:00:)';
      expect(run(text)).toBe(text);
    });

    it('should not convert letter-only or digit-led emoticons', () => {
      expect(run('XD xo 8) 8D')).toBe('XD xo 8) 8D');
    });
  });

  describe('protected parts', () => {
    it('should leave [code] blocks alone, even unclosed', () => {
      expect(run('[code]:) 😄 :smile:[/code] :)')).toBe(
        '[code]:) 😄 :smile:[/code] [icon=1f642 title=:slight_smile:]',
      );
      expect(run(':) [CODE]x :)')).toBe('[icon=1f642 title=:slight_smile:] [CODE]x :)');
    });

    it('should leave link targets alone but convert link labels', () => {
      expect(run('[url=https://a.org/:smile:/😄]go :)[/url]')).toBe(
        '[url=https://a.org/:smile:/😄]go [icon=1f642 title=:slight_smile:][/url]',
      );
      expect(run('[url]https://a.org/:)[/url] www.a.org/:smile: mailto:x:)@y.org')).toBe(
        '[url]https://a.org/:)[/url] www.a.org/:smile: mailto:x:)@y.org',
      );
    });

    it('should not convert again inside icons it already made', () => {
      const once = run('😄');
      expect(run(once)).toBe(once);
    });
  });
});

describe('codes', () => {
  it('should reduce emojibase hexcodes and text alike', () => {
    expect(codeOfHexcode('0023-FE0F-20E3')).toBe('0023-20e3');
    expect(codeOfText('#️⃣')).toBe('0023-20e3');
    expect(codeOfText('#⃣')).toBe('0023-20e3');
  });
});
