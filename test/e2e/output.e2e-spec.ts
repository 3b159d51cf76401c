import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeySpec } from '../../src/protocol/index.js';
import { OutboxRepository, type OutboxCallRow } from '../../src/portal/output/outbox.repository.js';
import { OutputError } from '../../src/portal/output/output.errors.js';
import { OutputService } from '../../src/portal/output/output.service.js';
import type { QueuedCall } from '../../src/portal/output/output.types.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const ids = { serverId: 'server-test', portalId: 'portal-test' };

/** Polls the outbox until a call satisfies `pred` (the real worker runs on its own timers). */
async function outboxCall(
  outbox: OutboxRepository,
  id: number,
  pred: (row: OutboxCallRow) => boolean,
  timeoutMs = 15_000,
): Promise<OutboxCallRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await outbox.findById(id);
    if (row && pred(row)) return row;
    if (Date.now() > deadline) throw new Error(`outbox call ${id} did not get there: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const outgoing = (text: string) => ({
  im: { chat_id: '10', message_id: '20' },
  chat: { id: 'chat-1' },
  message: { text },
});

describe('Output (real portal, OLP peer)', () => {
  const keySpec = generateKeySpec('test1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let output: OutputService;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, ...ids });
    portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
    output = portal.app.get(OutputService);
    outbox = portal.app.get(OutboxRepository);
  });
  afterAll(async () => {
    await portal.close();
    await peer.close();
  });

  it('should send a signed call that the server verifies, and return its data', async () => {
    peer.respond((call) =>
      call.command === 'testConnect'
        ? { status: 200, body: { ok: true, data: { result: 'OK' } } }
        : undefined,
    );

    const data = await output.connector('telegrambot', '1').testConnect();
    peer.respond(undefined);

    expect(data).toEqual({ result: 'OK' });
    const call = await peer.waitFor((c) => c.command === 'testConnect');
    expect(call).toMatchObject({ connector: 'telegrambot', line: '1', data: [] });
    expect(call.claims).toMatchObject({ iss: 'portal-test', aud: 'server-test', cmd: 'testConnect' });
    expect(peer.rejected).toEqual([]);
  });

  it('should carry the server error codes and HTTP status of a refused call', async () => {
    peer.respond((call) =>
      call.command === 'noSuchMethod'
        ? {
            status: 404,
            body: { ok: false, error: [{ code: 'UNKNOWN_COMMAND', message: 'unknown command' }] },
          }
        : undefined,
    );

    const err = await output
      .connector('telegrambot', '1')
      .noSuchMethod('x')
      .catch((e: unknown) => e);
    peer.respond(undefined);

    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ code: 'UNKNOWN_COMMAND', codes: ['UNKNOWN_COMMAND'], status: 404 });
  });

  it('should ask portal-wide methods on connector all, once within the cache TTL', async () => {
    const before = peer.calls.length;

    await output.connector('all', null).infoConnectorsLine('42');
    await output.connector('all', null).infoConnectorsLine('42');

    const calls = peer.calls.slice(before);
    expect(calls.map((c) => [c.command, c.connector, c.line, c.data])).toEqual([
      ['infoConnectorsLine', 'all', null, ['42']],
    ]);
  });

  it('should queue a fire-and-forget call and have the worker deliver it', async () => {
    const queued = (await output
      .connector('telegrambot', '1')
      .sendMessage([outgoing('hello')])) as QueuedCall;

    expect(queued).toEqual({ queued: true, outboxId: expect.any(Number) });
    const call = await peer.waitFor((c) => c.command === 'sendMessage' && c.status === 202);
    expect(call.data).toEqual([[outgoing('hello')]]);
    const row = await outboxCall(outbox, queued.outboxId, (r) => r.state === 'sent');
    expect(row).toMatchObject({ attempts: 1, sentAt: expect.any(Date) });
  });

  it('should keep fire-and-forget calls while the server is down and deliver them in order when it is back', async () => {
    const port = peer.port;
    await peer.close();

    await expect(output.connector('vkgroup', '2').testConnect()).rejects.toMatchObject({
      code: 'UNREACHABLE',
    });
    const out = output.connector('vkgroup', '2');
    const first = (await out.sendMessage([outgoing('one')])) as QueuedCall;
    await out.sendMessage([outgoing('two')]);
    await outboxCall(outbox, first.outboxId, (r) => r.attempts >= 1 && r.errorCode === 'UNREACHABLE');

    peer = await startOlpPeer({ keySpec, ...ids, port });
    await peer.waitFor(
      (c) => c.connector === 'vkgroup' && c.status === 202 && JSON.stringify(c.data).includes('two'),
      20_000,
    );

    const texts = peer.calls
      .filter((c) => c.connector === 'vkgroup')
      .map((c) => (c.data as [[{ message: { text: string } }]])[0][0].message.text);
    expect(texts).toEqual(['one', 'two']);
  });
});

describe('Output timeouts (real portal, silent peer)', () => {
  const keySpec = generateKeySpec('test1');
  let peer: OlpPeer;
  let portal: TestPortal;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, ...ids });
    peer.respond(() => ({ hang: true }));
    portal = await startPortal({
      env: {
        OLP_KEYS: keySpec,
        CONNECTOR_SERVER_URL: peer.url,
        OUTPUT_CONNECT_TIMEOUT_MS: '200',
        OUTPUT_READ_TIMEOUT_MS: '300',
        WORKERS: 'false',
      },
    });
  });
  afterAll(async () => {
    await portal.close();
    await peer.close();
  });

  it('should fail a call the server takes but never answers with TIMEOUT', async () => {
    const err = await portal.app
      .get(OutputService)
      .connector('telegrambot', '1')
      .saveSettings({})
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ code: 'TIMEOUT', status: undefined });
    expect(peer.calls.map((c) => c.command)).toEqual(['saveSettings']);
  });
});
