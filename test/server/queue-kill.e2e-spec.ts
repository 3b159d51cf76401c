import { describe, expect, it } from '@jest/globals';
import { botToken, tgUpdate } from '../factories/telegram.factory.js';
import { eventually } from '../support/eventually.js';
import { useKillFixture } from './support/kill-fixture.js';
import { kill9, TAKEOVER_CASES } from '../support/spawned.js';

const BOT = { token: botToken(876543219), id: 876543219, username: 'qkill_bot', first_name: 'QKill' };
/** Far below the queue's lease (QUEUE_CONFIRM_TIMEOUT, 60 s by default) that held a killed server's line. */
const TAKEN_BACK_WITHIN_MS = 8_000;

/**
 * kill -9 of the connector server while its queue worker pushes a customer's message to a portal
 * that never answers, then a new server process on the same database: the message is pushed again
 * within seconds, not when the dead process's lease (the confirmation timeout) runs out.
 */
describe('Queue: a server killed in the middle of a push to the portal', () => {
  const f = useKillFixture(BOT);

  /** Telegram delivers a customer's message to the server's webhook. */
  const customerWrites = async (url: string) => {
    const hook = f.telegram.webhooks.get(BOT.token);
    if (!hook) throw new Error('no webhook is set for the bot');
    const res = await fetch(
      `${url}/hook?h=${encodeURIComponent(new URL(hook.url).searchParams.get('h') ?? '')}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': hook.secret_token ?? '',
        },
        body: JSON.stringify(tgUpdate({ text: 'Hello?' })),
      },
    );
    expect(res.status).toBe(200);
  };

  const pushes = () => f.portal.received.filter((p) => p.command === 'receivingMessage');

  it.each(TAKEOVER_CASES)(
    'should have the killed process’s line taken back by $how, and the message pushed within seconds',
    async ({ first: firstEnv, second: secondEnv, samePort }) => {
      const first = await f.spawnServer(firstEnv);
      await f.connect(first.url);

      // The portal stand-in takes the first push and never answers it.
      f.portal.mode = 'hold';
      await customerWrites(first.url);
      await eventually(
        'the hanging push',
        () => pushes().length,
        (n) => n === 1,
      );

      await kill9(first);
      expect(first.child.signalCode).toBe('SIGKILL');

      f.portal.mode = 'confirm-after';
      const restartedAt = Date.now();
      await f.spawnServer(secondEnv, samePort ? first.port : undefined);
      await eventually(
        'the message to be pushed again',
        () => pushes().length,
        (n) => n === 2,
        TAKEN_BACK_WITHIN_MS,
      );
      const tookMs = Date.now() - restartedAt;
      console.log(`message pushed ${tookMs} ms after the restart (queue lease: 60 s)`);
      expect(tookMs).toBeLessThan(TAKEN_BACK_WITHIN_MS);
      const [held, again] = pushes();
      expect(again.data).toEqual(held.data);
      // The portal's setStatusDelivered reaches the new process, which accepts it.
      await eventually(
        'the confirmation',
        () => f.portal.confirmations,
        (c) => c.includes(202),
      );
    },
    120_000,
  );
});
