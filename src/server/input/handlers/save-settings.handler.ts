import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { LineSettings } from '../../lines/line-settings.service.js';
import { LinesRepository } from '../../lines/lines.repository.js';
import { ConnectorLines } from '../connector-lines.service.js';
import { answered, type OlpAnswer, type OlpMethodHandler, type VerifiedPacket } from '../olp-packet.js';

const args = z.tuple([z.unknown()]);

/**
 * saveSettings(params): the connector validates the connection parameters, which are then kept
 * sealed; the line record (and its webhook hash) is created on first use.
 */
@Injectable()
export class SaveSettingsHandler implements OlpMethodHandler<typeof args> {
  readonly method = 'saveSettings';
  readonly args = args;

  constructor(
    private readonly connectorLines: ConnectorLines,
    private readonly lines: LinesRepository,
    private readonly settings: LineSettings,
  ) {}

  async execute(packet: VerifiedPacket, [params]: z.output<typeof args>): Promise<OlpAnswer> {
    const key = this.connectorLines.keyOf(packet);
    const { connector, channel } = this.connectorLines.connector(key.connector);
    const hash = (await this.lines.find(key))?.hash ?? this.settings.newHash();
    const webhookUrl = this.settings.webhookUrl(hash);
    const kept = await connector.saveSettings({ ...key, channel, webhookUrl }, params);
    const row = await this.settings.save({ ...key, hashIfNew: hash, settings: kept });
    return answered({ result: 'OK', webhookUrl: this.settings.webhookUrl(row.hash) });
  }
}
