import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { ConnectorLine, ConnectorSettings } from '../connectors/connector.js';
import { ServerConfig } from '../config.js';
import { SecretBox } from '../crypto/secret-box.js';
import { LinesRepository, type LineKey, type LineRow } from './lines.repository.js';

/**
 * Whether a value can be a line's webhook hash (base64url, as newHash makes them): anything else
 * is refused before it reaches the database, which may not take it (PostgreSQL refuses NUL).
 */
export function isLineHash(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,128}$/.test(value);
}

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

  /**
   * The line as its connector sees it; settings are empty when none were saved. A virtual
   * connector's record without parameters of its own (created by the hook entry for a channel
   * of the real line) uses the real connector's parameters on the same portal line.
   */
  async open(line: LineRow, channel: string | null): Promise<ConnectorLine> {
    return { ...this.describe(line, channel), settings: await this.settingsOf(line) };
  }

  private async settingsOf(line: LineRow): Promise<ConnectorSettings> {
    const own = await this.lines.readParams({ lineRef: line.id });
    if (own) return JSON.parse(this.box.open(own, this.context(line))) as ConnectorSettings;
    const dot = line.connector.indexOf('.');
    if (dot < 0) return {};
    const key = { portalId: line.portalId, connector: line.connector.slice(0, dot), lineId: line.lineId };
    const real = await this.lines.find(key);
    const sealed = real ? await this.lines.readParams({ lineRef: real.id }) : null;
    return sealed ? (JSON.parse(this.box.open(sealed, this.context(key))) as ConnectorSettings) : {};
  }

  private describe(line: LineRow, channel: string | null): Omit<ConnectorLine, 'settings'> {
    return {
      ref: line.id,
      portalId: line.portalId,
      connector: line.connector,
      channel,
      lineId: line.lineId,
      webhookUrl: this.webhookUrl(line.hash),
    };
  }

  private context(key: LineKey): string {
    return `line-params:${key.portalId}|${key.connector}|${key.lineId}`;
  }
}
