import { Prisma } from '../../generated/server-sqlite/client.js';
import type { DatabaseService } from './database.service.js';

/** The two per-line lanes the workers serve, each keyed on its own indexed due time. */
export type Lane = 'queue' | 'outbound';

/**
 * `owner`: where the lane records the worker owner of its claim (see WorkerOwner). `onReclaim`:
 * what else a dead owner's line needs to be served afresh.
 */
const LANE_COLUMNS: Record<
  Lane,
  { due: Prisma.Sql; lease: Prisma.Sql; owner: Prisma.Sql; onReclaim: Prisma.Sql }
> = {
  // A push cut short by its process's death is no failure of the portal: the batch goes again,
  // without counting an attempt or waiting for the confirmation deadline.
  queue: {
    due: Prisma.raw('next_attempt_at'),
    lease: Prisma.raw('lease_token'),
    owner: Prisma.raw('lease_owner'),
    onReclaim: Prisma.raw(`, phase = 'ready'`),
  },
  outbound: {
    due: Prisma.raw('out_next_at'),
    lease: Prisma.raw('out_lease_token'),
    owner: Prisma.raw('out_owner'),
    onReclaim: Prisma.empty,
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
 * with the token.
 */
export async function claimDueLine(
  db: DatabaseService,
  lane: Lane,
  opts: { now: Date; leaseUntil: Date; token: string; owner: string },
): Promise<LineClaim | null> {
  const { due, lease, owner } = LANE_COLUMNS[lane];
  const { now, leaseUntil, token } = opts;
  const lock = db.provider === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.client.$queryRaw<RawClaim[]>`
    UPDATE lines SET ${lease} = ${token}, ${due} = ${leaseUntil}, updated_at = ${now}, ${owner} = ${opts.owner}
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

/**
 * Ends at once the leases of `lane` whose owner is not alive: not in worker_owners, or silent
 * since before `aliveSince`. The lines become due and are claimed again as usual, under a new
 * token, so the old owner (should it still run) can record nothing. Claims without an owner
 * (made before owners existed, or released by their owner) keep their lease. Resolves how many.
 */
export function expireOrphanedClaims(
  db: DatabaseService,
  lane: Lane,
  opts: { now: Date; aliveSince: Date; self: string },
): Promise<number> {
  const { due, lease, owner, onReclaim } = LANE_COLUMNS[lane];
  return db.client.$executeRaw`
    UPDATE lines SET ${due} = ${opts.now}, updated_at = ${opts.now}${onReclaim}
    WHERE ${lease} IS NOT NULL AND ${due} > ${opts.now}
      AND ${owner} IS NOT NULL AND ${owner} <> ${opts.self}
      AND NOT EXISTS (
        SELECT 1 FROM worker_owners o WHERE o.id = lines.${owner} AND o.heartbeat_at >= ${opts.aliveSince})`;
}
