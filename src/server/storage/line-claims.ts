import { Prisma } from '../../generated/server-sqlite/client.js';
import type { DatabaseService } from './database.service.js';

/** The two per-line lanes the workers serve, each keyed on its own indexed due time. */
export type Lane = 'queue' | 'outbound';

/** `owner`: where the lane records the worker owner of its claim (see WorkerOwner). */
const LANE_COLUMNS: Record<Lane, { due: Prisma.Sql; lease: Prisma.Sql; owner?: Prisma.Sql }> = {
  queue: { due: Prisma.raw('next_attempt_at'), lease: Prisma.raw('lease_token') },
  outbound: {
    due: Prisma.raw('out_next_at'),
    lease: Prisma.raw('out_lease_token'),
    owner: Prisma.raw('out_owner'),
  },
};

export interface LineClaim {
  id: number;
  portalId: string;
  connector: string;
  lineId: string;
  phase: string;
  attempt: number;
  /** Proves the claim in every later update; a newer claim replaces it. */
  token: string;
}

interface RawClaim {
  id: number;
  portal_id: string;
  connector: string;
  line_id: string;
  phase: string;
  attempt: number;
}

/**
 * Claims the line of `lane` due earliest, through the lane's index (never a scan): its due time
 * moves to `leaseUntil`, so no other worker takes it until then, and `token` is recorded. On
 * PostgreSQL the candidate row is locked with SKIP LOCKED, so concurrent workers pass over each
 * other's rows; SQLite runs the conditional UPDATE under its single writer lock. `owner` is recorded
 * on lanes that keep one.
 */
export async function claimDueLine(
  db: DatabaseService,
  lane: Lane,
  opts: { now: Date; leaseUntil: Date; token: string; owner?: string },
): Promise<LineClaim | null> {
  const { due, lease, owner } = LANE_COLUMNS[lane];
  const { now, leaseUntil, token } = opts;
  const setOwner = owner && opts.owner ? Prisma.sql`, ${owner} = ${opts.owner}` : Prisma.empty;
  const lock = db.provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.client.$queryRaw<RawClaim[]>`
    UPDATE lines SET ${lease} = ${token}, ${due} = ${leaseUntil}, updated_at = ${now}${setOwner}
    WHERE id = (SELECT id FROM lines WHERE ${due} <= ${now} ORDER BY ${due} LIMIT 1 ${lock})
      AND ${due} <= ${now}
    RETURNING id, portal_id, connector, line_id, phase, attempt`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    portalId: row.portal_id,
    connector: row.connector,
    lineId: row.line_id,
    phase: row.phase,
    attempt: Number(row.attempt),
    token,
  };
}
