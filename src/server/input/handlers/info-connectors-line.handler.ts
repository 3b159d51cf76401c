import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { olpId } from '../../../protocol/index.js';
import { ConnectorFactory } from '../../connectors/connector-factory.js';
import { LinesRepository } from '../../lines/lines.repository.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([olpId]);

/** infoConnectorsLine(lineId), connector `all`: what each connector configured on the line reports. */
@Injectable()
export class InfoConnectorsLineHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'infoConnectorsLine';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly lines: LinesRepository,
    private readonly factory: ConnectorFactory,
  ) {}

  async execute(packet: VerifiedPacket, [lineId]: z.output<typeof args>): Promise<OlpAnswer> {
    const rows = await this.lines.listForPortalLine({ portalId: packet.portalId, lineId });
    const info: Record<string, unknown> = {};
    for (const row of rows) {
      if (!this.factory.resolve(row.connector)) {
        info[row.connector] = { available: false };
        continue;
      }
      const { connector, line } = await this.connectorLines.open(row);
      info[row.connector] = { available: true, webhookUrl: line.webhookUrl, ...(await connector.info(line)) };
    }
    return answered(info);
  }
}
