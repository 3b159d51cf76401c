import { z } from 'zod';
import type { OlpAttachment } from '../../../protocol/index.js';
import { bbLink } from './safe-links.js';

/** The seed's quote frame around forwarded and replied-to messages. */
export const QUOTE_RULE = '-'.repeat(54);

const text = z.string().optional();
const unixTime = z.number().int().nonnegative().optional();
const person = z.looseObject({ name: text, last_name: text });
const quoted = z.looseObject({ user: person.optional(), date: unixTime, text });
const coordinate = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(?:\.\d+)?$/)
    .transform(Number),
]);
const location = z.looseObject({
  coordinates: z.looseObject({ latitude: coordinate, longitude: coordinate }).optional(),
  latitude: coordinate.optional(),
  longitude: coordinate.optional(),
  title: text,
  text,
});
const contact = z.looseObject({ name: text, last_name: text, phone: text, email: text });
const wall = z.looseObject({ url: text, name: text, date: unixTime, text });

const lines = (...parts: (string | null | undefined | false)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').join('\n');

/** "2026-01-01 12:00 UTC": the operator's UI may show times in its own zone; the text cannot. */
export function formatDate(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function author(q: z.output<typeof quoted>): string {
  const name = lines(q.user?.name, q.user?.last_name).replace(/\n/g, ' ');
  const date = q.date !== undefined ? `[${formatDate(q.date)}]` : '';
  return [name, date].filter(Boolean).join(' ');
}

function renderForward(body: string, f: z.output<typeof quoted>): string {
  const head = lines(QUOTE_RULE, author(f), '[b]Forwarded message[/b]');
  // A channel that gives the forwarded text separately leaves the message text as a comment on it;
  // otherwise (as in the seed) the message text is the forwarded content.
  if (f.text?.trim()) return lines(body, head, f.text, QUOTE_RULE);
  return lines(head, body, QUOTE_RULE);
}

function renderReply(body: string, r: z.output<typeof quoted>): string {
  return lines(QUOTE_RULE, author(r), r.text, QUOTE_RULE, body);
}

function validLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

function renderLocation(body: string, l: z.output<typeof location>): string {
  const lat = l.coordinates?.latitude ?? l.latitude;
  const lon = l.coordinates?.longitude ?? l.longitude;
  const label = lines(l.title, l.text) || 'Location';
  if (lat === undefined || lon === undefined || !validLatLon(lat, lon)) {
    return lines(body, label, '(no valid coordinates)');
  }
  const [la, lo] = [lat.toFixed(6), lon.toFixed(6)];
  const map = `https://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=16/${la}/${lo}`;
  return lines(body, label, bbLink(map, `${la}, ${lo}`));
}

function renderContact(body: string, c: z.output<typeof contact>): string {
  const name = lines(c.name, c.last_name).replace(/\n/g, ' ');
  const phone = c.phone?.trim();
  const email = c.email?.trim();
  const dial = phone?.replace(/[^\d+*#]/g, '');
  return lines(
    body,
    name && `Contact: ${name}`,
    phone && `Phone: ${dial ? bbLink(`tel:${dial}`, phone) : phone}`,
    email && `E-mail: ${/^[^\s@[\]]+@[^\s@[\]]+$/.test(email) ? bbLink(`mailto:${email}`, email) : email}`,
  );
}

function renderWall(body: string, w: z.output<typeof wall>): string {
  const label = ['Wall post', w.name?.trim(), w.date !== undefined && `of ${formatDate(w.date)}`]
    .filter(Boolean)
    .join(' ');
  return lines(body, w.url ? bbLink(w.url, label) : label, w.text);
}

type Renderer = (body: string, value: unknown) => string | null;

/** Pairs a kind's schema with its renderer; null when the value does not fit the schema. */
function kind<S extends z.ZodType>(
  schema: S,
  render: (body: string, value: z.output<S>) => string,
): Renderer {
  return (body, value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? render(body, parsed.data) : null;
  };
}

const RENDERERS: Record<string, Renderer> = {
  forward: kind(quoted, renderForward),
  reply: kind(quoted, renderReply),
  location: kind(location, renderLocation),
  contact: kind(contact, renderContact),
  wall: kind(wall, renderWall),
};

function renderOne(body: string, attachment: OlpAttachment): string {
  const name = Object.keys(attachment).find((k) => Object.hasOwn(RENDERERS, k));
  if (name === undefined) {
    const named = Object.keys(attachment).join(', ') || 'empty';
    return lines(body, `[i]Attachment not shown (unsupported kind: ${named})[/i]`);
  }
  const rendered = RENDERERS[name]?.(body, attachment[name]);
  return rendered ?? lines(body, `[i]Attachment not shown (unreadable ${name})[/i]`);
}

/**
 * Renders a message's attachments into its text, in order, in the seed's BB-code style: forwarded
 * and replied-to messages as framed quotes, a location with a map link, contact details, a wall
 * post as a link. Links are emitted only for http(s)/mailto/tel targets.
 */
export function renderAttachments(body: string, attachments: readonly OlpAttachment[]): string {
  return attachments.reduce(renderOne, body);
}
