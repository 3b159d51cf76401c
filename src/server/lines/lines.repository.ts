import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service.js';
import { isUniqueViolation } from '../storage/prisma-errors.js';

/** A connector line record (the seed's line/connector) with its queue state. */
export interface LineRow {
  id: number;
  portalId: string;
  connector: string;
  lineId: string;
  hash: string;
  phase: string;
  attempt: number;
  blockedUntil: Date | null;
  nextAttemptAt: Date | null;
  sentLastId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const lineColumns = {
  id: true,
  portalId: true,
  connector: true,
  lineId: true,
  hash: true,
  phase: true,
  attempt: true,
  blockedUntil: true,
  nextAttemptAt: true,
  sentLastId: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface LineKey {
  portalId: string;
  connector: string;
  lineId: string;
}

/** A new line record: idle, since nothing is queued yet. */
const newLine = (key: LineKey, hash: string, now: Date) => ({
  ...key,
  hash,
  phase: 'idle',
  attempt: 0,
  createdAt: now,
  updatedAt: now,
});

/** Connector line records and their sealed connection parameters. */
@Injectable()
export class LinesRepository {
  constructor(private readonly db: DatabaseService) {}

  findByHash(opts: { hash: string }): Promise<LineRow | null> {
    return this.db.client.line.findUnique({ where: { hash: opts.hash }, select: lineColumns });
  }

  findById(opts: { id: number }): Promise<LineRow | null> {
    return this.db.client.line.findUnique({ where: { id: opts.id }, select: lineColumns });
  }

  find(key: LineKey): Promise<LineRow | null> {
    return this.db.client.line.findUnique({
      where: { portalId_connector_lineId: key },
      select: lineColumns,
    });
  }

  /**
   * The record of a virtual connector on a portal line, created (idle, without parameters of its
   * own) on first use; a concurrent creation is found instead.
   */
  async ensure(opts: LineKey & { hashIfNew: string; now: Date }): Promise<LineRow> {
    const { portalId, connector, lineId, now } = opts;
    const found = await this.find({ portalId, connector, lineId });
    if (found) return found;
    try {
      return await this.db.client.line.create({
        data: newLine({ portalId, connector, lineId }, opts.hashIfNew, now),
        select: lineColumns,
      });
    } catch (err) {
      const raced = isUniqueViolation(err) ? await this.find({ portalId, connector, lineId }) : null;
      if (!raced) throw err;
      return raced;
    }
  }

  /** The virtual connectors' records of a real connector on one portal line (`botframework.*`). */
  listVirtual(opts: { portalId: string; connector: string; lineId: string }): Promise<LineRow[]> {
    return this.db.client.line.findMany({
      where: {
        portalId: opts.portalId,
        lineId: opts.lineId,
        connector: { startsWith: `${opts.connector}.` },
      },
      orderBy: { connector: 'asc' },
      select: lineColumns,
    });
  }

  /** Every connector of one portal line, for the `all` commands. */
  listForPortalLine(opts: { portalId: string; lineId: string }): Promise<LineRow[]> {
    return this.db.client.line.findMany({
      where: { portalId: opts.portalId, lineId: opts.lineId },
      orderBy: { connector: 'asc' },
      select: lineColumns,
    });
  }

  /**
   * Stores sealed parameters, creating the line record (with `hashIfNew` as its webhook hash)
   * on first use. The phase starts idle: nothing is queued yet.
   */
  async saveParams(opts: LineKey & { hashIfNew: string; params: string; now: Date }): Promise<LineRow> {
    const { portalId, connector, lineId, now } = opts;
    return this.db.transaction(async (tx) => {
      const line = await tx.line.upsert({
        where: { portalId_connector_lineId: { portalId, connector, lineId } },
        create: newLine({ portalId, connector, lineId }, opts.hashIfNew, now),
        update: { updatedAt: now },
        select: lineColumns,
      });
      await tx.connectionParams.upsert({
        where: { lineRef: line.id },
        create: { lineRef: line.id, data: opts.params, updatedAt: now },
        update: { data: opts.params, updatedAt: now },
      });
      return line;
    });
  }

  async readParams(opts: { lineRef: number }): Promise<string | null> {
    const row = await this.db.client.connectionParams.findUnique({ where: { lineRef: opts.lineRef } });
    return row?.data ?? null;
  }
}
