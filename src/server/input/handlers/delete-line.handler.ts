import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { olpId } from '../../../protocol/index.js';
import { LinesRepository } from '../../lines/lines.repository.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([olpId]);

/** deleteLine(lineId), connector `all`: removes every connector of the portal line. */
@Injectable()
export class DeleteLineHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'deleteLine';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly lines: LinesRepository,
  ) {}

  async execute(packet: VerifiedPacket, [lineId]: z.output<typeof args>): Promise<OlpAnswer> {
    const rows = await this.lines.listForPortalLine({ portalId: packet.portalId, lineId });
    const removed: Record<string, unknown> = {};
    for (const row of rows)
      removed[row.connector] = await this.connectorLines.remove(row, 'line deleted by the portal');
    return answered({ result: 'OK', removed });
  }
}
