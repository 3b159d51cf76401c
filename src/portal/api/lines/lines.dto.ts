import { z } from 'zod';
import type { ConnectorStatus, Line } from '../../../generated/portal-sqlite/client.js';
import { isoDate, parseStoredJson } from '../common/schemas.js';

export const createLineRequest = z.object({ name: z.string().trim().min(1).max(255) });
export type CreateLineRequest = z.output<typeof createLineRequest>;

export const lineResponse = z.object({ id: z.number().int(), name: z.string(), createdAt: isoDate });
export type LineResponse = z.output<typeof lineResponse>;

export const connectorStatusResponse = z.object({
  connector: z.string(),
  lineId: z.number().int(),
  active: z.boolean(),
  connection: z.boolean(),
  registered: z.boolean(),
  error: z.boolean(),
  data: z.unknown().describe('What the connector server last reported about this connector'),
  errorAt: isoDate.nullable(),
  errorReason: z.string().nullable(),
  updatedAt: isoDate,
});
export type ConnectorStatusResponse = z.output<typeof connectorStatusResponse>;

export function toLineResponse(row: Line): LineResponse {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

export function toConnectorStatusResponse(row: ConnectorStatus): ConnectorStatusResponse {
  return {
    connector: row.connector,
    lineId: row.lineId,
    active: row.active,
    connection: row.connection,
    registered: row.registered,
    error: row.error,
    data: parseStoredJson(row.data),
    errorAt: row.errorAt?.toISOString() ?? null,
    errorReason: row.errorReason,
    updatedAt: row.updatedAt.toISOString(),
  };
}
