import { describe, expect, it } from '@jest/globals';
import { GUEST_NAME, isInstagramConnector, userFields } from './user-fields.js';

describe('isInstagramConnector', () => {
  it.each([
    ['instagram', true],
    ['instagram.business', true],
    ['fbinstagram', false],
    ['botframework.skype', false],
    ['telegrambot', false],
    ['myinstagram', false],
  ])('should classify %s as %s', (connector, expected) => {
    expect(isInstagramConnector(connector)).toBe(expected);
  });
});

describe('userFields', () => {
  it('should split a two-word name into first and last name', () => {
    expect(userFields('telegrambot', { id: '1', name: 'Ada Lovelace' })).toMatchObject({
      name: 'Ada',
      lastName: 'Lovelace',
    });
  });

  it('should split Instagram names in reverse order', () => {
    expect(userFields('instagram', { id: '1', name: 'Lovelace Ada' })).toMatchObject({
      name: 'Ada',
      lastName: 'Lovelace',
    });
    expect(userFields('instagram.shop', { id: '1', name: 'Lovelace Ada' })).toMatchObject({ name: 'Ada' });
  });

  it('should split on any whitespace between the two words', () => {
    expect(userFields('vk', { id: '1', name: '  Ada \t Lovelace ' })).toMatchObject({
      name: 'Ada',
      lastName: 'Lovelace',
    });
  });

  it('should keep one word, or three and more, as the first name', () => {
    expect(userFields('vk', { id: '1', name: 'Ada' })).toMatchObject({ name: 'Ada', lastName: null });
    expect(userFields('vk', { id: '1', name: 'Ada King Lovelace' })).toMatchObject({
      name: 'Ada King Lovelace',
      lastName: null,
    });
  });

  it('should not split when the last name is given', () => {
    expect(userFields('instagram', { id: '1', name: 'Ada Augusta', last_name: 'King' })).toMatchObject({
      name: 'Ada Augusta',
      lastName: 'King',
    });
  });

  it('should fall back to the title, then to Guest', () => {
    expect(userFields('vk', { id: '1', title: 'Acme Ltd' })).toMatchObject({
      name: 'Acme Ltd',
      lastName: null,
    });
    expect(userFields('vk', { id: '1', name: '  ', title: '' })).toMatchObject({ name: GUEST_NAME });
    expect(userFields('vk', { id: '1' }).name).toBe('Guest');
  });

  it('should keep a lone last name without inventing a first name', () => {
    expect(userFields('vk', { id: '1', last_name: 'Lovelace', title: 'Acme' })).toMatchObject({
      name: '',
      lastName: 'Lovelace',
    });
  });

  it('should copy the contact fields and drop empty ones', () => {
    expect(
      userFields('vk', {
        id: '1',
        name: 'Ada',
        url: 'https://vk.com/ada',
        gender: 'female',
        email: 'ada@example.org',
        phone: ' ',
      }),
    ).toEqual({
      name: 'Ada',
      lastName: null,
      url: 'https://vk.com/ada',
      gender: 'female',
      email: 'ada@example.org',
      phone: null,
    });
  });
});
