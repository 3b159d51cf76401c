import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { olpBody, olpMessage, signedPost, statusItem } from '../factories/packet.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { eventually } from '../support/eventually.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';
import {
  anyJson,
  fuzzParams,
  hostileText,
  idSegment,
  invalidUtf8Body,
  mutated,
  Tally,
} from './arbitraries.js';

/**
 * Seeded, time-bounded fuzzing of the portal's public surfaces (REST and OLP input) on a real
 * portal: nothing answers 5xx, nothing refused is stored, and every message acknowledged is
 * processed (its inbox row reaches done, never failed).
 */
describe('Portal under fuzzed input', () => {
  const SERVER_ID = 'server-test';
  const PORTAL_ID = 'portal-test';
  const keySpec = generateKeySpec('srv1');
  const tally = new Tally();
  let peer: OlpPeer;
  let portal: TestPortal;
  let db: DatabaseService;
  let adminToken: string;
  let operatorToken: string;
  let lineId: number;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
    db = portal.app.get(DatabaseService);
    adminToken = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (
      await api<{ id: number }>(portal, 'POST', '/api/lines', { token: adminToken, body: { name: 'Fuzz' } })
    ).body.id;
    const operator = {
      name: 'Fuzz Operator',
      email: 'op@fuzz.test',
      password: 'operator-password',
      role: 'operator',
    };
    await api(portal, 'POST', '/api/users', { token: adminToken, body: operator });
    operatorToken = await login(portal, operator.email, operator.password);
  });
  afterAll(async () => {
    console.log(`fuzz cases tried on the portal: ${tally.toString()}`);
    await portal?.close();
    await peer?.close();
  });

  const send = (command: string, data: unknown) =>
    signedPost(`${portal.url}/olp/v1/input`, olpBody(command, data, { line: String(lineId) }), {
      keySpec,
      iss: SERVER_ID,
      aud: PORTAL_ID,
    });

  /** Method and path of every REST route, with `{}` where an id goes. */
  const ROUTES: [string, string][] = [
    ['POST', '/api/auth/login'],
    ['POST', '/api/auth/password'],
    ['GET', '/api/auth/me'],
    ['GET', '/api/alerts'],
    ['POST', '/api/alerts/read'],
    ['GET', '/api/chats'],
    ['GET', '/api/chats?line={}&limit={}'],
    ['GET', '/api/chats/{}/messages'],
    ['POST', '/api/chats/{}/replies'],
    ['POST', '/api/chats/{}/read'],
    ['PATCH', '/api/messages/{}'],
    ['DELETE', '/api/messages/{}'],
    ['POST', '/api/messages/{}/resend'],
    ['POST', '/api/uploads'],
    ['GET', '/api/files/{}'],
    ['GET', '/public/files/{}'],
    ['GET', '/api/lines'],
    ['POST', '/api/lines'],
    ['GET', '/api/lines/{}/connectors'],
    ['POST', '/api/lines/{}/connectors/{}/setup'],
    ['DELETE', '/api/lines/{}/connectors/{}'],
    ['GET', '/api/lines/{}/settings'],
    ['PATCH', '/api/lines/{}/settings'],
    ['GET', '/api/lines/{}/operators'],
    ['PUT', '/api/lines/{}/operators'],
    ['GET', '/api/lines/{}/quick-answers'],
    ['POST', '/api/lines/{}/quick-answers'],
    ['PATCH', '/api/lines/{}/quick-answers/{}'],
    ['DELETE', '/api/lines/{}/quick-answers/{}'],
    ['GET', '/api/operators'],
    ['GET', '/api/operators/me/presence'],
    ['PUT', '/api/operators/me/presence'],
    ['GET', '/api/operators/{}/presence'],
    ['GET', '/api/sessions'],
    ['GET', '/api/sessions/queue'],
    ['GET', '/api/sessions/{}'],
    ['GET', '/api/sessions/{}/history'],
    ['POST', '/api/sessions/{}/accept'],
    ['POST', '/api/sessions/{}/skip'],
    ['POST', '/api/sessions/{}/transfer'],
    ['POST', '/api/sessions/{}/close'],
    ['POST', '/api/stream/token'],
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['PUT', '/api/users/{}/status'],
  ];

  const counts = async () => ({ users: await db.client.user.count(), lines: await db.client.line.count() });

  it('should answer every REST request below 500 and store nothing it refused', async () => {
    const body = fc.oneof(
      anyJson.map((v) => JSON.stringify(v)),
      mutated({ name: 'n', email: 'e@x.test', password: 'password1', role: 'operator', text: 'hi' }).map(
        (v) => JSON.stringify(v),
      ),
      hostileText.map((t) => JSON.stringify({ name: t, text: t, email: t, password: t })),
      invalidUtf8Body,
      fc.string({ maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.array(idSegment, { minLength: 2, maxLength: 2 }),
        body,
        fc.constantFrom('admin', 'operator', 'none', 'junk'),
        async ([method, template], ids, payload, who) => {
          tally.add('REST');
          let n = 0;
          const path = template.replace(/\{\}/g, () => ids[n++ % ids.length]);
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          const token = { admin: adminToken, operator: operatorToken, none: '', junk: 'x.y.z' }[who];
          if (token) headers.authorization = `Bearer ${token}`;
          const before = await counts();
          const res = await fetch(`${portal.url}${path}`, {
            method,
            headers,
            body: method === 'GET' || method === 'DELETE' ? undefined : payload,
          });
          await res.arrayBuffer();
          if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status}`);
          if (res.status >= 400) expect(await counts()).toEqual(before);
        },
      ),
      fuzzParams(400, 25_000),
    );
  }, 60_000);

  it('should answer any signed OLP command with any data below 500', async () => {
    const COMMANDS = [
      'receivingMessage',
      'receivingStatusDelivery',
      'receivingStatusReading',
      'receivingError',
      'receivingStatusBlock',
      'setChatName',
      'testConnect',
      'deactivateConnector',
      'nonsense',
    ];
    const data = fc.oneof(
      anyJson,
      mutated([olpMessage()]),
      mutated([statusItem()]),
      fc.array(mutated(olpMessage()), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), data, async (command, d) => {
        tally.add('OLP input');
        const res = await send(command, d);
        if (res.status >= 500)
          throw new Error(`${command} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }),
      fuzzParams(300, 20_000),
    );
  }, 60_000);

  it('should process every message it acknowledged, whatever its text', async () => {
    const acknowledged: string[] = [];
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (text, name) => {
        tally.add('OLP hostile text');
        const messageId = `fz-${++seq}`;
        const res = await send('receivingMessage', [
          olpMessage({ messageId, chatId: `fz-chat-${seq % 7}`, text, user: { name } }),
        ]);
        if (res.status >= 500) throw new Error(`answered ${res.status}: ${JSON.stringify(res.body)}`);
        if (res.status === 200) acknowledged.push(messageId);
      }),
      fuzzParams(150, 20_000),
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    const rows = await eventually(
      'the acknowledged messages to be processed',
      () =>
        db.client.inboxMessage.findMany({
          where: { messageId: { in: acknowledged } },
          select: { messageId: true, state: true, lastError: true },
        }),
      (found) =>
        found.length === acknowledged.length &&
        found.every((r) => r.state === 'done' || r.state === 'failed'),
      30_000,
    );
    expect(rows.filter((r) => r.state !== 'done').map((r) => [r.messageId, r.lastError])).toEqual([]);
  }, 90_000);
});
