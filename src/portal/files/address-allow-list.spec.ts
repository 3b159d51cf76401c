import { describe, expect, it } from '@jest/globals';
import { parseAddressAllowList } from './address-allow-list.js';

describe('parseAddressAllowList', () => {
  it('should accept IPv4 and IPv6 addresses and CIDR ranges', () => {
    const list = ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '192.168.1.0/24'];
    expect(parseAddressAllowList(list)).toEqual(list);
  });

  it('should refuse host names and malformed ranges, naming each', () => {
    expect(() => parseAddressAllowList(['localhost', '10.0.0.0/33', '127.0.0.1', '1.2.3.4/8/1'])).toThrow(
      /"localhost", "10\.0\.0\.0\/33", "1\.2\.3\.4\/8\/1" must be IP addresses or CIDR ranges/,
    );
  });

  it('should accept an empty list', () => {
    expect(parseAddressAllowList([])).toEqual([]);
  });
});
