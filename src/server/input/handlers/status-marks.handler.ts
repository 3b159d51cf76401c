import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { olpId } from '../../../protocol/index.js';
import { OutboundService } from '../../outbound/outbound.service.js';
import { PortalQueue } from '../../queue/portal-queue.service.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { accepted, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const markSchema = z.object({
  chat: z.object({ id: olpId }),
  // One id as the contract writes it; a list as some portals send it.
  message: z.object({ id: z.union([olpId.transform((id) => [id]), z.array(olpId).min(1).max(100)]) }),
});
const args = z.tuple([z.array(markSchema).min(1).max(1000)]);

/**
 * setStatusDelivered: the portal confirms receivingMessage items it stored, which releases the
 * line's queue; connectors that show delivery on the channel get the marks too. 202 once stored.
 */
@Injectable()
export class SetStatusDeliveredHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'setStatusDelivered';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly queue: PortalQueue,
    private readonly outbound: OutboundService,
  ) {}

  async execute(packet: VerifiedPacket, [marks]: z.output<typeof args>): Promise<OlpAnswer> {
    const row = await this.connectorLines.row(packet);
    const confirmed = await this.queue.confirmDelivered(row.id, marks);
    const { connector } = this.connectorLines.connector(row.connector);
    await this.outbound.storeMarks(row.id, 'setStatusDelivered', connector, marks);
    return accepted({ confirmed });
  }
}

/** setStatusReading: read marks for connectors that show them on the channel. 202 once stored. */
@Injectable()
export class SetStatusReadingHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'setStatusReading';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly outbound: OutboundService,
  ) {}

  async execute(packet: VerifiedPacket, [marks]: z.output<typeof args>): Promise<OlpAnswer> {
    const row = await this.connectorLines.row(packet);
    const { connector } = this.connectorLines.connector(row.connector);
    await this.outbound.storeMarks(row.id, 'setStatusReading', connector, marks);
    return accepted({ accepted: marks.length });
  }
}
