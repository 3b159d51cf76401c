import { describe, expect, it } from '@jest/globals';
import { canonicalJson, canonicalMd5 } from './canonical-hash.js';

describe('canonicalJson', () => {
  it('should sort keys at every depth and keep array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('should drop undefined members', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('canonicalMd5', () => {
  it('should not depend on key order', () => {
    expect(canonicalMd5({ id: '1', name: 'Ann' })).toBe(canonicalMd5({ name: 'Ann', id: '1' }));
  });

  it('should change when any value changes', () => {
    expect(canonicalMd5({ id: '1', name: 'Ann' })).not.toBe(canonicalMd5({ id: '1', name: 'Anna' }));
  });
});
