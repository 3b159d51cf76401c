import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { LinesRepository } from '../../lines/lines.repository.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([]);

/** deleteConnector(): removes the connector from the line (idempotent: an unknown line is already gone). */
@Injectable()
export class DeleteConnectorHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'deleteConnector';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly lines: LinesRepository,
  ) {}

  async execute(packet: VerifiedPacket): Promise<OlpAnswer> {
    const row = await this.lines.find(this.connectorLines.keyOf(packet));
    if (!row) return answered({ result: 'OK', removed: false });
    const outcome = await this.connectorLines.remove(row, 'connector deleted by the portal');
    return answered({ result: 'OK', removed: true, ...outcome });
  }
}
