import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSse, type SseClient } from '../../src/bench/sse-client.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { olpBody, olpMessage, signedPost } from '../factories/packet.factory.js';
import { login, testAdmin } from '../support/api-client.js';
import { testProvider } from '../support/database.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';

/**
 * Two portal processes (two Nest apps, each with its own connections) on one database: an event
 * stored through one reaches the stream clients of the other, which reads it from the table when
 * NOTIFY (PostgreSQL) or its polling (SQLite) wakes it.
 */
describe('operator stream across portal processes', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let first: TestPortal;
  let second: TestPortal;
  let clientOfSecond: SseClient;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    // On PostgreSQL the other process is woken by NOTIFY, so its polling is set out of reach of
    // the test's timeout; SQLite has only the polling.
    const pollMs = testProvider === 'postgresql' ? '600000' : '20';
    const env = { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url, STREAM_POLL_MS: pollMs };
    first = await startPortal({ env });
    second = await startPortal({ env: { ...env, WORKERS: 'false' }, reuse: first });
    const token = await login(second, testAdmin.email, testAdmin.password);
    clientOfSecond = await openSse(`${second.url}/api/stream`, { authorization: `Bearer ${token}` });
    expect(clientOfSecond.status).toBe(200);
  });
  afterAll(async () => {
    clientOfSecond?.close();
    await second?.stop();
    await first?.close();
    await peer?.close();
  });

  it("should bring a message posted to one process to the other's stream clients", async () => {
    const messages = [1, 2, 3].map((n) => olpMessage({ chatId: 'chat-two', text: `across ${n}` }));
    for (const m of messages) {
      const res = await signedPost(`${first.url}/olp/v1/input`, olpBody('receivingMessage', [m]), {
        keySpec,
        iss: SERVER_ID,
        aud: PORTAL_ID,
      });
      expect(res.status).toBe(200);
    }
    const chat = await clientOfSecond.waitFor((e) => e.event === 'chat.created');
    const last = await clientOfSecond.waitFor((e) => e.data.includes('"text":"across 3"'));
    const created = clientOfSecond.events.filter((e) => e.event === 'message.created');
    expect(
      created.map(
        (e) => (JSON.parse(e.data) as { payload: { message: { text: string } } }).payload.message.text,
      ),
    ).toEqual(['across 1', 'across 2', 'across 3']);
    expect(Number(chat.id)).toBeLessThan(Number(last.id));
  });
});
