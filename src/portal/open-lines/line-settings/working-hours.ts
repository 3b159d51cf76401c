import { WEEKDAYS, type WorkingHours, type Weekday } from './line-settings.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date, weekday and minute of the day of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; minute: number } {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = WEEKDAYS.find((d) => d === parts.weekday?.toLowerCase()) ?? 'mon';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the line is open at `at`; null hours mean always open. */
export function isOpen(hours: WorkingHours | null, at: Date): boolean {
  if (!hours) return true;
  const local = localTime(at, hours.timeZone);
  if (hours.holidays.includes(local.date)) return false;
  return (hours.week[local.weekday] ?? []).some(
    ([from, to]) => local.minute >= minutesOf(from) && local.minute < minutesOf(to),
  );
}
