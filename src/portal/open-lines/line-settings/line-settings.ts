import { z } from 'zod';

export const QUEUE_TYPES = ['evenly', 'strictly', 'all'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time HH:MM');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const workingHoursSchema = z.object({
  /** IANA time zone the hours are in, e.g. "Europe/Berlin". */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone'),
  /** Open intervals [from, to) per weekday; a day left out is closed. */
  week: z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([hhmm, hhmm])).max(10)),
  /** Local dates (YYYY-MM-DD) on which the line is closed all day. */
  holidays: z.array(z.iso.date()).max(366).default([]),
});
export type WorkingHours = z.output<typeof workingHoursSchema>;

export const botOptionSchema = z.object({
  /** What the customer types to choose this option, e.g. "1". */
  key: z.string().trim().min(1).max(20),
  label: z.string().max(200),
  /** "human" hands over to an operator of this line; "line" moves the chat to another line. */
  action: z.enum(['human', 'line']),
  lineId: z.number().int().min(1).optional(),
});

export const botSchema = z.object({
  /** Sent when a session opens, e.g. "1 — sales, 2 — human". */
  menu: z.string().min(1).max(2000),
  options: z
    .array(botOptionSchema)
    .min(1)
    .max(20)
    .refine(
      (o) => o.every((x) => x.action !== 'line' || x.lineId !== undefined),
      'a "line" option needs lineId',
    ),
});
export type BotSettings = z.output<typeof botSchema>;

/** Routing settings of one line; every field has a default, so an empty document is valid. */
export const lineSettingsSchema = z.object({
  queueType: z.enum(QUEUE_TYPES).default('evenly'),
  /** How long an assigned chat may wait for its operator to accept before it passes on. */
  queueTimeSec: z.number().int().min(1).max(86_400).default(60),
  /** Chats an operator may hold at once (assigned or answered); null for no limit. */
  maxChatsPerOperator: z.number().int().min(1).max(10_000).nullable().default(null),
  /** Null: always open. */
  workingHours: workingHoursSchema.nullable().default(null),
  welcomeMessage: z.string().max(2000).nullable().default(null),
  /** Sent once when no operator has answered within noAnswerAfterSec; "{position}" is the queue position. */
  noAnswerMessage: z.string().max(2000).nullable().default(null),
  noAnswerAfterSec: z.number().int().min(1).max(86_400).default(120),
  autoCloseAfterSec: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(4 * 3600),
  closingMessage: z.string().max(2000).nullable().default(null),
  /** A customer message within this time after the close reopens the same session. */
  reopenWindowSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(600),
  ratingRequest: z.boolean().default(false),
  ratingMessage: z.string().max(2000).default('Please rate our help: reply 1 if we helped, 0 if not.'),
  bot: botSchema.nullable().default(null),
});
export type LineSettings = z.output<typeof lineSettingsSchema>;

export const DEFAULT_LINE_SETTINGS: LineSettings = lineSettingsSchema.parse({});

/** Stored settings, read leniently: a document that no longer parses falls back to the defaults. */
export function parseLineSettings(text: string | undefined): LineSettings {
  if (text === undefined) return DEFAULT_LINE_SETTINGS;
  try {
    const parsed = lineSettingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : DEFAULT_LINE_SETTINGS;
  } catch {
    return DEFAULT_LINE_SETTINGS;
  }
}
