import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ServiceUrlSeal } from './service-url-seal.js';

describe(ServiceUrlSeal.name, () => {
  const scope = { portalId: 'portal', lineId: '1', appId: 'app' };
  const seal = new ServiceUrlSeal(randomBytes(32));
  const url = 'https://smba.trafficmanager.net/amer/';

  it('should hold for the sealed pair, with or without the trailing slash', () => {
    const s = seal.seal(scope, url, 'conv');
    expect(seal.holds(scope, url, 'conv', s)).toBe(true);
    expect(seal.holds(scope, url.replace(/\/$/, ''), 'conv', s)).toBe(true);
  });

  it('should not hold for another URL, conversation, line, bot or server key', () => {
    const s = seal.seal(scope, url, 'conv');
    expect(seal.holds(scope, 'https://evil.example/', 'conv', s)).toBe(false);
    expect(seal.holds(scope, url, 'other', s)).toBe(false);
    expect(seal.holds({ ...scope, lineId: '2' }, url, 'conv', s)).toBe(false);
    expect(seal.holds({ ...scope, appId: 'other' }, url, 'conv', s)).toBe(false);
    expect(new ServiceUrlSeal(randomBytes(32)).holds(scope, url, 'conv', s)).toBe(false);
    expect(seal.holds(scope, url, 'conv', 'short')).toBe(false);
  });
});
