import { describe, expect, it } from '@jest/globals';
import { workingHoursSchema } from './line-settings.js';
import { isOpen, localTime } from './working-hours.js';

const berlinWeekdays = workingHoursSchema.parse({
  timeZone: 'Europe/Berlin',
  week: {
    mon: [['09:00', '18:00']],
    tue: [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ],
  },
  holidays: ['2026-01-05'],
});

describe('isOpen', () => {
  it('should be open always without working hours', () => {
    expect(isOpen(null, new Date('2026-01-04T03:00:00Z'))).toBe(true);
  });

  it('should read the hours in the line time zone', () => {
    // Monday 12 January 2026: 08:30 UTC is 09:30 in Berlin (UTC+1 in winter).
    expect(isOpen(berlinWeekdays, new Date('2026-01-12T08:30:00Z'))).toBe(true);
    expect(isOpen(berlinWeekdays, new Date('2026-01-12T07:30:00Z'))).toBe(false);
    // 17:00 UTC is 18:00 in Berlin: closed, the interval's end is excluded.
    expect(isOpen(berlinWeekdays, new Date('2026-01-12T17:00:00Z'))).toBe(false);
  });

  it('should follow summer time', () => {
    // Monday 13 July 2026: Berlin is UTC+2, so 07:30 UTC is 09:30 local.
    expect(isOpen(berlinWeekdays, new Date('2026-07-13T07:30:00Z'))).toBe(true);
  });

  it('should be closed on a lunch break, a day without hours and a holiday', () => {
    expect(isOpen(berlinWeekdays, new Date('2026-01-13T11:30:00Z'))).toBe(false);
    expect(isOpen(berlinWeekdays, new Date('2026-01-14T10:00:00Z'))).toBe(false);
    expect(isOpen(berlinWeekdays, new Date('2026-01-05T10:00:00Z'))).toBe(false);
  });
});

describe('localTime', () => {
  it('should give the local date across midnight', () => {
    expect(localTime(new Date('2026-01-04T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-01-05',
      weekday: 'mon',
      minute: 8 * 60 + 30,
    });
  });
});
