import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CUT_MARKER, MAX_TEXT_LENGTH } from '../../../src/protocol/index.js';
import { messageActivity } from '../../factories/botframework-activity.factory.js';
import { drive } from '../support/fixture.js';
import { APP_ID, startBotframework, type BotframeworkFixture } from './support.js';

/** Bot Framework customers cannot be told about the text limit: their text is cut, never refused. */
describe('Bot Framework customer text at /hook', () => {
  let f: BotframeworkFixture;
  beforeAll(async () => {
    f = await startBotframework();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('should queue storable text: NUL and lone surrogates removed, an over-long text cut with the marker', async () => {
    const texts = ['a\0b', 'c\udc00d', 'e\u202ef\u200bg', 'z'.repeat(MAX_TEXT_LENGTH + 500)];
    for (const [n, text] of texts.entries()) {
      const activity = messageActivity({ serviceUrl: f.bf.serviceUrl, id: `t-${n}`, text });
      expect((await f.bf.post(f.webhookUrl, activity, { appId: APP_ID })).status).toBe(200);
    }
    await drive(f.server, [f.portal]);
    const got = f.portal.received.flatMap((p) => p.data) as { message: { text: string } }[];
    expect(got.map((m) => m.message.text)).toEqual([
      'ab',
      'cd',
      'e\u202ef\u200bg',
      `${'z'.repeat(MAX_TEXT_LENGTH - CUT_MARKER.length)}${CUT_MARKER}`,
    ]);
  });
});
