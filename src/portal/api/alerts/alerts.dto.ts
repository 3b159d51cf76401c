import { z } from 'zod';
import type { AdminAlert } from '../../../generated/portal-sqlite/client.js';
import { isoDate, pageLimit, rowId } from '../common/schemas.js';

export const listAlertsQuery = z.object({ limit: pageLimit(100, 500) });
export type ListAlertsQuery = z.output<typeof listAlertsQuery>;

export const alertResponse = z.object({
  id: z.number().int(),
  kind: z
    .string()
    .describe(
      'connector_deactivated: the account was connected to another portal or line; inbox_failed: a received message was parked failed (POST /api/inbox/failed/:id/replay)',
    ),
  connector: z.string().nullable(),
  lineId: z.number().int().nullable(),
  message: z.string(),
  createdAt: isoDate,
  readAt: isoDate.nullable(),
});
export type AlertResponse = z.output<typeof alertResponse>;

export function toAlertResponse(row: AdminAlert): AlertResponse {
  return {
    id: row.id,
    kind: row.kind,
    connector: row.connector,
    lineId: row.lineId,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

export const markAlertsReadRequest = z.strictObject({
  upToId: rowId.describe('The newest alert the admin has seen: it and every older one are marked read'),
});
export type MarkAlertsReadRequest = z.output<typeof markAlertsReadRequest>;

export const markAlertsReadResponse = z.object({ marked: z.number().int() });
export type MarkAlertsReadResponse = z.output<typeof markAlertsReadResponse>;
