import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { ConnectorLine, ConnectorSettings } from '../connectors/connector.js';
import { ServerConfig } from '../config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { LinesRepository, type LineKey, type LineRow } from './lines.repository.js';

/** Connection parameters of connector lines: sealed at rest, opened into a ConnectorLine for the connector. */
@Injectable()
export class LineSettings {
  constructor(
    private readonly lines: LinesRepository,
    private readonly box: SecretBox,
    private readonly config: ServerConfig,
    private readonly clock: Clock,
  ) {}

  webhookUrl(hash: string): string {
    return `${this.config.publicUrl}/hook?h=${encodeURIComponent(hash)}`;
  }

  /** A fresh webhook hash: 32 random bytes, so the address cannot be guessed. */
  newHash(): string {
    return randomBytes(32).toString('base64url');
  }

  async save(key: LineKey & { hashIfNew: string; settings: ConnectorSettings }): Promise<LineRow> {
    return this.lines.saveParams({
      ...key,
      hashIfNew: key.hashIfNew,
      params: this.box.seal(JSON.stringify(key.settings), this.context(key)),
      now: this.clock.now(),
    });
  }

  /** The line as its connector sees it; settings are empty when none were saved. */
  async open(line: LineRow, channel: string | null): Promise<ConnectorLine> {
    const sealed = await this.lines.readParams({ lineRef: line.id });
    const settings = sealed
      ? (JSON.parse(this.box.open(sealed, this.context(line))) as ConnectorSettings)
      : {};
    return {
      ref: line.id,
      portalId: line.portalId,
      connector: line.connector,
      channel,
      lineId: line.lineId,
      webhookUrl: this.webhookUrl(line.hash),
      settings,
    };
  }

  private context(key: LineKey): string {
    return `line-params:${key.portalId}|${key.connector}|${key.lineId}`;
  }
}
