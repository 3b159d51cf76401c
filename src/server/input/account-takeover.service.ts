import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { Connector, ConnectorLine } from '../connectors/connector.js';
import { PortalRegistry } from '../portals/portal-registry.service.js';
import { PortalClient } from '../queue/portal-client.js';
import { AccountsRepository, type HolderRow } from '../accounts/accounts.repository.js';
import { LinesRepository } from '../lines/lines.repository.js';
import { ConnectorLines } from './connector-lines.service.js';

/** Attempts to tell an old portal that its connection was taken over, a second apart. */
const NOTICE_ATTEMPTS = 3;
const NOTICE_PAUSE_MS = 1000;

/**
 * One connection per external account (a Telegram bot, a Bot Framework app). When a line learns
 * its account (testConnect, register) and another line, of this or another portal, held it, the
 * new line keeps it: the old line's record, settings and outbound calls are removed, with a real
 * connector's virtual channel records (what was still queued for its portal goes to dead letters,
 * replayable), and its portal is told with `deactivateConnector`. The channel side is not
 * unregistered: the account now serves the new line.
 */
@Injectable()
export class AccountTakeover implements OnModuleDestroy {
  private readonly logger = new Logger(AccountTakeover.name);
  private readonly notices = new Set<Promise<void>>();

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly lines: LinesRepository,
    private readonly connectorLines: ConnectorLines,
    private readonly registry: PortalRegistry,
    private readonly client: PortalClient,
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
      const { deadLettered: moved } = row
        ? await this.connectorLines.remove(row, `connection taken over: ${reason}`, { unregister: false })
        : { deadLettered: 0 };
      this.logger.warn(
        `${old.portalId}/${old.connector}/${old.lineId} deactivated: ${reason}` +
          (moved ? `; ${moved} queued item(s) moved to dead letters` : ''),
      );
      this.track(this.notify(old, reason));
    }
    return holders;
  }

  /** Resolves once every deactivateConnector notice sent so far has been answered or given up. */
  async settled(): Promise<void> {
    while (this.notices.size) await Promise.all([...this.notices]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.settled();
  }

  private track(notice: Promise<void>): void {
    this.notices.add(notice);
    void notice.finally(() => this.notices.delete(notice));
  }

  /** The old portal learns it in the background, so the new portal's call does not wait on it. */
  private async notify(old: HolderRow, reason: string): Promise<void> {
    const portal = await this.registry.get(old.portalId);
    if (!portal) return;
    const packet = {
      command: 'deactivateConnector',
      connector: old.connector,
      line: old.lineId,
      data: { reason },
    };
    for (let attempt = 1; attempt <= NOTICE_ATTEMPTS; attempt++) {
      const outcome = await this.client.push(portal, packet);
      if (outcome.ok) return;
      if (attempt === NOTICE_ATTEMPTS) {
        this.logger.error(
          `deactivateConnector to ${old.portalId} for line ${old.lineId} failed: ${outcome.reason}`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, NOTICE_PAUSE_MS));
    }
  }
}
