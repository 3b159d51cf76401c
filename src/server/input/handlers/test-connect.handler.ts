import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([]);

/** testConnect(): the connector checks its saved parameters against the channel. */
@Injectable()
export class TestConnectHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'testConnect';
  readonly args = args;

  constructor(private readonly connectorLines: ConnectorLines) {}

  async execute(packet: VerifiedPacket): Promise<OlpAnswer> {
    const { connector, line } = await this.connectorLines.opened(packet);
    return answered({ result: 'OK', ...(await connector.testConnect(line)) });
  }
}
