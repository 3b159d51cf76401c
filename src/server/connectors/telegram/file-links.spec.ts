import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../common/clock.js';
import { ServerConfig } from '../../config.js';
import { TelegramFileLinks } from './file-links.js';

const setup = (ttl = '1h') => {
  const clock = new ManualClock();
  const config = ServerConfig.fromEnv({
    DATA_DIR: '/tmp/unused',
    SERVER_KEY: randomBytes(32).toString('base64url'),
    PUBLIC_URL: 'https://connectors.example.com',
    TELEGRAM_FILE_LINK_TTL: ttl,
  });
  return { clock, links: new TelegramFileLinks(config, clock) };
};
const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;

describe(TelegramFileLinks.name, () => {
  it('should give a link on the server that opens to the file it names', () => {
    const { links } = setup();
    const url = links.url({ lineRef: 7, fileId: 'AgACAgIAAxkBAAM', name: 'a.jpg', type: 'image/jpeg' });
    expect(url.startsWith('https://connectors.example.com/files/telegram?t=')).toBe(true);
    expect(links.open(tokenOf(url))).toMatchObject({ lineRef: 7, fileId: 'AgACAgIAAxkBAAM', name: 'a.jpg' });
  });

  it('should refuse a link once it expired', () => {
    const { links, clock } = setup('1h');
    const token = tokenOf(links.url({ lineRef: 7, fileId: 'f' }));
    clock.advance(3_600_000);
    expect(links.open(token)).toBeNull();
  });

  it('should refuse an altered or foreign link', () => {
    const { links } = setup();
    const [body, mac] = tokenOf(links.url({ lineRef: 7, fileId: 'f' })).split('.');
    const other = Buffer.from(JSON.stringify({ l: 8, f: 'f', e: Date.UTC(2030, 0, 1) })).toString(
      'base64url',
    );
    expect(links.open(`${other}.${mac}`)).toBeNull();
    expect(links.open(`${body}.${mac.slice(1)}x`)).toBeNull();
    expect(links.open(tokenOf(setup().links.url({ lineRef: 7, fileId: 'f' })))).toBeNull();
    expect(links.open('garbage')).toBeNull();
  });
});
