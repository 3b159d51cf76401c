import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AccountTakeover } from '../account-takeover.service.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.array(z.unknown()).max(1);

/**
 * register(params?): the connector connects the line on the channel side (e.g. sets its webhook);
 * the line then holds the external account (see AccountTakeover).
 */
@Injectable()
export class RegisterHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'register';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly takeover: AccountTakeover,
  ) {}

  async execute(packet: VerifiedPacket, [params]: z.output<typeof args>): Promise<OlpAnswer> {
    const { connector, line } = await this.connectorLines.opened(packet);
    const result = await connector.register(line, params);
    await this.takeover.claim(connector, line);
    return answered({ result: 'OK', ...result });
  }
}
