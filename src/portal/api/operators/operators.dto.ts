import { z } from 'zod';
import { PRESENCE_STATUSES } from '../../open-lines/operators/presence.repository.js';
import type { PresenceView } from '../../open-lines/operators/presence.service.js';
import { ROLES } from '../auth/principal.js';
import { isoDate } from '../common/schemas.js';

export const setPresenceRequest = z.strictObject({ status: z.enum(PRESENCE_STATUSES) });
export type SetPresenceRequest = z.output<typeof setPresenceRequest>;

export const presenceResponse = z.object({
  userId: z.number().int(),
  status: z.enum(PRESENCE_STATUSES),
  changedAt: isoDate.nullable(),
  graceUntil: isoDate
    .nullable()
    .describe(
      'Set after going offline: until then the operator keeps their chats (a reconnect changes nothing)',
    ),
});
export type PresenceResponse = z.output<typeof presenceResponse>;

export function toPresenceResponse(p: PresenceView): PresenceResponse {
  return {
    userId: p.userId,
    status: p.status,
    changedAt: p.changedAt?.toISOString() ?? null,
    graceUntil: p.graceUntil?.toISOString() ?? null,
  };
}

/** A colleague as every signed-in user may see them: enough to pick one, no email or credentials. */
export const colleagueResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  status: z.enum(PRESENCE_STATUSES),
});
export type ColleagueResponse = z.output<typeof colleagueResponse>;
