import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([]);

/** unregister(): the connector disconnects the line on the channel side; settings stay. */
@Injectable()
export class UnregisterHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'unregister';
  readonly args = args;

  constructor(private readonly connectorLines: ConnectorLines) {}

  async execute(packet: VerifiedPacket): Promise<OlpAnswer> {
    const { connector, line } = await this.connectorLines.opened(packet);
    return answered({ result: 'OK', ...(await connector.unregister(line)) });
  }
}
