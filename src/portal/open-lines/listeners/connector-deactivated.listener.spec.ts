import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startOpenLines, type OpenLinesHarness } from '../../../../test/support/open-lines.js';
import { ConnectorDeactivatedListener } from './connector-deactivated.listener.js';

describe(ConnectorDeactivatedListener.name, () => {
  let h: OpenLinesHarness;

  beforeAll(async () => {
    h = await startOpenLines();
  });
  afterAll(async () => {
    await h.close();
  });

  const status = (connector: string, lineId: number) =>
    h.storage.db.client.connectorStatus.findUnique({ where: { connector_lineId: { connector, lineId } } });
  const alertsFor = (connector: string) => h.storage.db.client.adminAlert.findMany({ where: { connector } });

  describe('OnConnectorDeactivated', () => {
    it('should put the connector of that line into error and alert the admins', async () => {
      await h.events.emit('OnConnectorDeactivated', {
        connector: 'telegrambot',
        line: '4',
        reason: 'bot token used on another portal',
      });

      const at = h.storage.clock.now();
      expect(await status('telegrambot', 4)).toMatchObject({
        error: true,
        errorAt: at,
        errorReason: 'bot token used on another portal',
      });
      expect(await alertsFor('telegrambot')).toEqual([
        expect.objectContaining({
          kind: 'connector_deactivated',
          lineId: 4,
          message: 'Connector telegrambot on line 4 was deactivated: bot token used on another portal',
          createdAt: at,
          readAt: null,
        }),
      ]);
    });

    it('should keep the other flags of a known status', async () => {
      const at = h.storage.clock.now();
      await h.storage.db.client.connectorStatus.create({
        data: {
          connector: 'viber',
          lineId: 4,
          active: true,
          connection: true,
          registered: true,
          error: false,
          data: '{"name":"Shop"}',
          updatedAt: at,
        },
      });
      h.storage.clock.advance(60_000);

      await h.events.emit('OnConnectorDeactivated', { connector: 'viber', line: '4', reason: '' });

      expect(await status('viber', 4)).toMatchObject({
        active: true,
        connection: true,
        registered: true,
        error: true,
        data: '{"name":"Shop"}',
        errorReason: 'no reason given',
        updatedAt: h.storage.clock.now(),
      });
    });

    it('should still alert the admins when the line is not one of ours', async () => {
      await h.events.emit('OnConnectorDeactivated', { connector: 'whatsapp', line: 'x', reason: 'moved' });
      expect(await h.storage.db.client.connectorStatus.count({ where: { connector: 'whatsapp' } })).toBe(0);
      expect(await alertsFor('whatsapp')).toEqual([expect.objectContaining({ lineId: null })]);
    });
  });
});
