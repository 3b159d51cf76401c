import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { Connector, ConnectorLine } from '../connectors/connector.js';
import { AccountsRepository, type HolderRow } from '../accounts/accounts.repository.js';
import { LinesRepository } from '../lines/lines.repository.js';
import { ConnectorLines } from './connector-lines.service.js';

/**
 * One connection per external account (a Telegram bot, a Bot Framework app). When a line learns
 * its account (testConnect, register) and another line, of this or another portal, held it, the
 * new line keeps it: the old line's record, settings and outbound calls are removed, with a real
 * connector's virtual channel records (what was still queued for its portal goes to dead letters,
 * replayable), and its portal is told with `deactivateConnector`, through the old line's queue:
 * durable, retried on the queue's schedule. The channel side is not unregistered: the account
 * now serves the new line.
 */
@Injectable()
export class AccountTakeover {
  private readonly logger = new Logger(AccountTakeover.name);

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly lines: LinesRepository,
    private readonly connectorLines: ConnectorLines,
    private readonly clock: Clock,
  ) {}

  /** Records the line's account; resolves the lines it was taken from. */
  async claim(connector: Connector, line: ConnectorLine): Promise<HolderRow[]> {
    const account = connector.account ? await connector.account(line) : null;
    if (!account) return [];
    const holders = await this.accounts.take({ lineRef: line.ref, account, now: this.clock.now() });
    for (const old of holders) {
      const reason = `${account} was connected to line ${line.lineId} (${line.connector}) of portal ${line.portalId}`;
      const row = await this.lines.findById({ id: old.id });
      if (!row) continue;
      const { deadLettered: moved } = await this.connectorLines.remove(
        row,
        `connection taken over: ${reason}`,
        {
          unregister: false,
          notice: reason,
        },
      );
      this.logger.warn(
        `${old.portalId}/${old.connector}/${old.lineId} deactivated: ${reason}` +
          (moved ? `; ${moved} queued item(s) moved to dead letters` : ''),
      );
    }
    return holders;
  }
}
