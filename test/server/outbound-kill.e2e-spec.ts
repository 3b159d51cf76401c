import { describe, expect, it } from '@jest/globals';
import { botToken } from '../factories/telegram.factory.js';
import { eventually } from '../support/eventually.js';
import { useKillFixture } from './support/kill-fixture.js';
import { kill9, TAKEOVER_CASES } from '../support/spawned.js';

const BOT = { token: botToken(987654321), id: 987654321, username: 'kill_bot', first_name: 'Kill' };
/** Far below the outbound lease (OUTBOUND_LEASE, 5 min by default) that held a killed server's line. */
const TAKEN_BACK_WITHIN_MS = 8_000;

/**
 * kill -9 of the connector server while its outbound worker holds a line (Telegram's sendMessage
 * hangs), then a new server process on the same database: the reply goes out within seconds, not
 * when the dead process's outbound lease (5 min) runs out.
 */
describe('Outbound: a server killed in the middle of sending a reply', () => {
  const f = useKillFixture(BOT);
  const sends = () => f.telegram.callsOf('sendMessage');

  it.each(TAKEOVER_CASES)(
    'should have the killed process’s line taken back by $how, and the reply sent within seconds',
    async ({ first: firstEnv, second: secondEnv, samePort }) => {
      const first = await f.spawnServer(firstEnv);
      await f.connect(first.url);

      f.telegram.hangNext('sendMessage');
      await f.olp(first.url, 'sendMessage', [
        [{ im: { chat_id: 1, message_id: 1 }, chat: { id: '1111111' }, message: { text: 'On its way' } }],
      ]);
      await eventually(
        'the hanging send',
        () => sends().length,
        (n) => n === 1,
      );

      await kill9(first);
      expect(first.child.signalCode).toBe('SIGKILL');

      const restartedAt = Date.now();
      await f.spawnServer(secondEnv, samePort ? first.port : undefined);
      await eventually(
        'the reply to be sent again',
        () => sends().length,
        (n) => n === 2,
        TAKEN_BACK_WITHIN_MS,
      );
      const tookMs = Date.now() - restartedAt;
      console.log(`reply sent ${tookMs} ms after the restart (outbound lease: 5 min)`);
      expect(tookMs).toBeLessThan(TAKEN_BACK_WITHIN_MS);
      expect(sends().map((c) => c.params.text)).toEqual(['On its way', 'On its way']);
      // The portal hears of the delivery, from the new process.
      await eventually(
        'the delivery report',
        () => f.portal.received.some((p) => p.command === 'receivingStatusDelivery'),
        (seen) => seen,
      );
    },
    120_000,
  );
});
