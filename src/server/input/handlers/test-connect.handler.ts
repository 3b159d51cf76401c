import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AccountTakeover } from '../account-takeover.service.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([]);

/**
 * testConnect(): the connector checks its saved parameters against the channel; the line then
 * holds the external account they belong to (see AccountTakeover).
 */
@Injectable()
export class TestConnectHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'testConnect';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly takeover: AccountTakeover,
  ) {}

  async execute(packet: VerifiedPacket): Promise<OlpAnswer> {
    const { connector, line } = await this.connectorLines.opened(packet);
    const result = await connector.testConnect(line);
    await this.takeover.claim(connector, line);
    return answered({ result: 'OK', ...result });
  }
}
