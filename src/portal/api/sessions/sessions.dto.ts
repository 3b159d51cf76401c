import { z } from 'zod';
import type { RoutingDecision, Session, SessionHistory } from '../../../generated/portal-sqlite/client.js';
import { SESSION_STATUSES } from '../../open-lines/sessions/sessions.repository.js';
import { isoDate, pageLimit, rowId } from '../common/schemas.js';

export const listSessionsQuery = z.object({
  lineId: rowId.optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  /** Only sessions assigned to the caller. */
  mine: z.enum(['true', 'false']).optional(),
  limit: pageLimit(50, 500),
});
export type ListSessionsQuery = z.output<typeof listSessionsQuery>;

export const queueQuery = z.object({ lineId: rowId, limit: pageLimit(100, 1000) });
export type QueueQuery = z.output<typeof queueQuery>;

export const transferRequest = z.union([
  z.strictObject({ toOperatorId: z.number().int().min(1) }),
  z.strictObject({ toLineId: z.number().int().min(1) }),
]);
export type TransferRequest = z.output<typeof transferRequest>;

export const sessionResponse = z.object({
  id: z.number().int(),
  lineId: z.number().int(),
  chatId: z.number().int(),
  status: z.enum(SESSION_STATUSES),
  operatorId: z.number().int().nullable(),
  acceptedAt: isoDate.nullable(),
  botStage: z.string().nullable(),
  queuedAt: isoDate.nullable(),
  passOnAt: isoDate.nullable().describe('When an unaccepted assignment passes to the next operator'),
  lastCustomerAt: isoDate,
  answeredAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  closeReason: z.string().nullable(),
  rating: z.number().int().nullable().describe("The customer's answer to the rating request: 1 or 0"),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type SessionResponse = z.output<typeof sessionResponse>;

export const queueEntryResponse = z.object({ position: z.number().int(), session: sessionResponse });
export type QueueEntryResponse = z.output<typeof queueEntryResponse>;

export const sessionHistoryResponse = z.object({
  history: z.array(
    z.object({
      status: z.string(),
      operatorId: z.number().int().nullable(),
      actorId: z.number().int().nullable(),
      note: z.string(),
      at: isoDate,
    }),
  ),
  decisions: z
    .array(
      z.object({
        lineId: z.number().int(),
        outcome: z.string(),
        operatorId: z.number().int().nullable(),
        reason: z.string().describe('Why the session went where it went'),
        at: isoDate,
      }),
    )
    .describe('Every routing decision, with its reason'),
});
export type SessionHistoryResponse = z.output<typeof sessionHistoryResponse>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toSessionResponse(s: Session): SessionResponse {
  return {
    id: s.id,
    lineId: s.lineId,
    chatId: s.chatId,
    status: s.status as SessionResponse['status'],
    operatorId: s.operatorId,
    acceptedAt: iso(s.acceptedAt),
    botStage: s.botStage,
    queuedAt: iso(s.queuedAt),
    passOnAt: iso(s.passOnAt),
    lastCustomerAt: s.lastCustomerAt.toISOString(),
    answeredAt: iso(s.answeredAt),
    closedAt: iso(s.closedAt),
    closeReason: s.closeReason,
    rating: s.rating,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toSessionHistoryResponse(
  history: SessionHistory[],
  decisions: RoutingDecision[],
): SessionHistoryResponse {
  return {
    history: history.map((h) => ({
      status: h.status,
      operatorId: h.operatorId,
      actorId: h.actorId,
      note: h.note,
      at: h.createdAt.toISOString(),
    })),
    decisions: decisions.map((d) => ({
      lineId: d.lineId,
      outcome: d.outcome,
      operatorId: d.operatorId,
      reason: d.reason,
      at: d.createdAt.toISOString(),
    })),
  };
}
