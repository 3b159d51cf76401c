import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { generateKeySpec } from '../../src/protocol/index.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

interface StepBody {
  step: string;
  ok: boolean;
  data: unknown;
  error: { code: string; message: string } | null;
}
interface SetupBody {
  ok: boolean;
  steps: StepBody[];
  status: {
    connector: string;
    active: boolean;
    connection: boolean;
    registered: boolean;
    error: boolean;
    errorReason: string | null;
    data: unknown;
  };
}

describe('REST API: the channel wizard (connector setup)', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let token: string;
  let lineId: number;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: 'server-test', portalId: 'portal-test' });
    portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
    token = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await api<{ id: number }>(portal, 'POST', '/api/lines', { token, body: { name: 'Support' } }))
      .body.id;
  });
  afterAll(async () => {
    await portal?.close();
    await peer?.close();
  });
  beforeEach(() => {
    peer.respond(undefined);
    peer.calls.length = 0;
  });

  const setup = (connector: string, params: Record<string, string>, as = token) =>
    api<SetupBody>(portal, 'POST', `/api/lines/${lineId}/connectors/${connector}/setup`, {
      token: as,
      body: { params },
    });

  it('should list the channels the wizard offers with their parameters', async () => {
    const res = await api<{ id: string; params: { name: string; secret: boolean }[] }[]>(
      portal,
      'GET',
      '/api/connectors',
      { token },
    );
    expect(res.status).toBe(200);
    expect(res.body.map((c) => c.id)).toEqual(['telegrambot', 'botframework', 'livechat']);
    expect(res.body[0].params).toContainEqual(expect.objectContaining({ name: 'token', secret: true }));
  });

  it('should call saveSettings, testConnect and register in order and mark the connector connected', async () => {
    peer.respond((call) =>
      call.command === 'saveSettings'
        ? {
            status: 200,
            body: { ok: true, data: { result: 'OK', webhookUrl: 'https://hooks.example/h/abc' } },
          }
        : call.command === 'register'
          ? { status: 200, body: { ok: true, data: { result: 'OK', botLink: 'https://t.me/demo_bot' } } }
          : undefined,
    );
    const res = await setup('telegrambot', { token: '123:secret' });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.steps.map((s) => [s.step, s.ok])).toEqual([
      ['saveSettings', true],
      ['testConnect', true],
      ['register', true],
    ]);
    expect(peer.calls.map((c) => [c.command, c.connector, c.line])).toEqual([
      ['saveSettings', 'telegrambot', String(lineId)],
      ['testConnect', 'telegrambot', String(lineId)],
      ['register', 'telegrambot', String(lineId)],
    ]);
    expect(peer.calls[0].data).toEqual([{ token: '123:secret' }]);
    expect(peer.calls[1].data).toEqual([]);
    expect(res.body.status).toMatchObject({
      active: true,
      connection: true,
      registered: true,
      error: false,
      errorReason: null,
    });
    const listed = await api<SetupBody['status'][]>(portal, 'GET', `/api/lines/${lineId}/connectors`, {
      token,
    });
    expect(listed.body).toContainEqual(
      expect.objectContaining({
        connector: 'telegrambot',
        active: true,
        data: expect.objectContaining({ register: { result: 'OK', botLink: 'https://t.me/demo_bot' } }),
      }),
    );
  });

  it('should stop at the first failing step and report its code and message', async () => {
    peer.respond((call) =>
      call.command === 'testConnect'
        ? {
            status: 400,
            body: { ok: false, error: [{ code: 'CHANNEL_REFUSED', message: 'Unauthorized: bad token' }] },
          }
        : undefined,
    );
    const res = await setup('botframework', { app_id: 'app', app_password: 'pw' });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.steps).toEqual([
      { step: 'saveSettings', ok: true, data: {}, error: null },
      {
        step: 'testConnect',
        ok: false,
        data: null,
        error: { code: 'CHANNEL_REFUSED', message: 'Unauthorized: bad token' },
      },
    ]);
    expect(peer.calls.map((c) => c.command)).toEqual(['saveSettings', 'testConnect']);
    expect(res.body.status).toMatchObject({
      connector: 'botframework',
      active: false,
      registered: false,
      error: true,
      errorReason: 'testConnect: CHANNEL_REFUSED: Unauthorized: bad token',
    });
  });

  it('should report an unreachable connector server as a failed first step', async () => {
    peer.respond(() => ({ status: 502, body: 'bad gateway' }));
    const res = await setup('livechat', {});
    expect(res.body.ok).toBe(false);
    expect(res.body.steps).toHaveLength(1);
    expect(res.body.steps[0]).toMatchObject({
      step: 'saveSettings',
      ok: false,
      error: { code: expect.any(String) },
    });
  });

  it('should unregister on DELETE and mark the connector disconnected', async () => {
    const res = await api<SetupBody>(portal, 'DELETE', `/api/lines/${lineId}/connectors/telegrambot`, {
      token,
    });
    expect(res.status).toBe(200);
    expect(res.body.steps).toEqual([{ step: 'unregister', ok: true, data: {}, error: null }]);
    expect(peer.calls.map((c) => [c.command, c.connector])).toEqual([['unregister', 'telegrambot']]);
    expect(res.body.status).toMatchObject({ active: false, registered: false, error: false });
  });

  it('should refuse unknown connectors, unknown lines, bad params and operators', async () => {
    expect((await setup('smoke-signals', {})).status).toBe(400);
    expect(
      (
        await api(portal, 'POST', `/api/lines/999/connectors/telegrambot/setup`, {
          token,
          body: { params: {} },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(portal, 'POST', `/api/lines/${lineId}/connectors/telegrambot/setup`, {
          token,
          body: { params: { token: 5 } },
        })
      ).status,
    ).toBe(400);
    await api(portal, 'POST', '/api/users', {
      token,
      body: { email: 'op@example.com', name: 'Op', password: 'operator-pw', role: 'operator' },
    });
    const operator = await login(portal, 'op@example.com', 'operator-pw');
    expect((await setup('telegrambot', { token: 'x' }, operator)).status).toBe(403);
    expect(peer.calls).toEqual([]);
  });
});
