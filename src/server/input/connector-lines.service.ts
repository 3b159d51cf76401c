import { Injectable, Logger } from '@nestjs/common';
import { OlpError } from '../../protocol/index.js';
import { ConnectorFactory, type ResolvedConnector } from '../connectors/connector-factory.js';
import type { Connector, ConnectorLine } from '../connectors/connector.js';
import { LineSettings } from '../lines/line-settings.service.js';
import { LinesRepository, type LineKey, type LineRow } from '../lines/lines.repository.js';
import { PortalQueue } from '../queue/portal-queue.service.js';
import type { VerifiedPacket } from './olp-packet.js';

export interface OpenedLine {
  row: LineRow;
  connector: Connector;
  line: ConnectorLine;
}

/** What the method handlers share: finding the connector and line a packet names, and removing lines. */
@Injectable()
export class ConnectorLines {
  private readonly logger = new Logger(ConnectorLines.name);

  constructor(
    private readonly factory: ConnectorFactory,
    private readonly lines: LinesRepository,
    private readonly settings: LineSettings,
    private readonly queue: PortalQueue,
  ) {}

  connector(id: string): ResolvedConnector {
    const resolved = this.factory.resolve(id);
    if (!resolved) throw new OlpError(400, 'UNKNOWN_CONNECTOR', `no connector serves "${id}"`, 'connector');
    return resolved;
  }

  /** The (portal, connector, line) a packet names; `line` is required. */
  keyOf(packet: VerifiedPacket): LineKey {
    if (packet.line === null || packet.line === '') {
      throw new OlpError(400, 'MALFORMED_PACKET', `line is required for ${packet.command}`, 'line');
    }
    return { portalId: packet.portalId, connector: packet.connector, lineId: packet.line };
  }

  /** The packet's line record; it exists once saveSettings was called. */
  async row(packet: VerifiedPacket): Promise<LineRow> {
    const key = this.keyOf(packet);
    this.connector(key.connector);
    const row = await this.lines.find(key);
    if (!row) {
      throw new OlpError(
        400,
        'NOT_CONFIGURED',
        `connector "${key.connector}" has no settings on line "${key.lineId}"; call saveSettings first`,
        'line',
      );
    }
    return row;
  }

  async opened(packet: VerifiedPacket): Promise<OpenedLine> {
    return this.open(await this.row(packet));
  }

  async open(row: LineRow): Promise<OpenedLine> {
    const { connector, channel } = this.connector(row.connector);
    return { row, connector, line: await this.settings.open(row, channel) };
  }

  /**
   * Unregisters the connector on the channel side (best effort: the line goes anyway, and an
   * unknown hook hash is refused later) and deletes the line; items still queued for the portal
   * go to dead letters, where they can be replayed once the line exists again. A real connector's
   * virtual channel records on the same portal line are removed with it. With `unregister: false`
   * the channel side is left alone (its account now serves another line, see AccountTakeover).
   * With `notice`, the portal is told with deactivateConnector through the line's queue.
   */
  async remove(
    row: LineRow,
    reason: string,
    opts: { unregister?: boolean; notice?: string } = {},
  ): Promise<{ unregistered: boolean; deadLettered: number }> {
    let unregistered = false;
    const resolved = this.factory.resolve(row.connector);
    if (resolved && opts.unregister !== false) {
      try {
        await resolved.connector.unregister(await this.settings.open(row, resolved.channel));
        unregistered = true;
      } catch (err) {
        this.logger.warn(
          `unregistering ${row.portalId}/${row.connector}/${row.lineId} failed: ${(err as Error).message}`,
        );
      }
    }
    let deadLettered =
      opts.notice === undefined
        ? await this.queue.retireLine(row.id, reason)
        : await this.queue.retireWithNotice(row.id, {
            reason,
            notice: opts.notice,
            hash: this.settings.newHash(),
          });
    // The virtual channels of a real connector (`botframework.msteams`) go with it.
    if (resolved?.channel === null) {
      for (const virtual of await this.lines.listVirtual(row)) {
        deadLettered += await this.queue.retireLine(virtual.id, reason);
      }
    }
    return { unregistered, deadLettered };
  }
}
