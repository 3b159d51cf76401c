import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { receivedMessagePayload } from '../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

interface SessionBody {
  id: number;
  lineId: number;
  status: string;
  operatorId: number | null;
  acceptedAt: string | null;
}

describe('REST API: line settings, presence, sessions and operator actions', () => {
  let portal: TestPortal;
  let admin: string;
  let operator: string;
  let operatorId: number;
  let lineId: number;
  let events: PortalEvents;

  const as = (token: string) => ({
    get: <T>(path: string) => api<T>(portal, 'GET', path, { token }),
    send: <T>(method: string, path: string, body?: unknown) => api<T>(portal, method, path, { token, body }),
  });

  beforeAll(async () => {
    portal = await startPortal();
    events = portal.app.get(PortalEvents);
    admin = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await as(admin).send<{ id: number }>('POST', '/api/lines', { name: 'Support' })).body.id;
    const user = await as(admin).send<{ id: number }>('POST', '/api/users', {
      email: 'op@example.test',
      name: 'Olga',
      password: 'operator-password',
      role: 'operator',
    });
    operatorId = user.body.id;
    operator = await login(portal, 'op@example.test', 'operator-password');
  });
  afterAll(async () => {
    await portal.close();
  });

  it('should let admins, and only admins, edit line settings and operators', async () => {
    expect(
      (await as(operator).send('PATCH', `/api/lines/${lineId}/settings`, { queueTimeSec: 5 })).status,
    ).toBe(403);
    expect(
      (await as(admin).send('PATCH', `/api/lines/${lineId}/settings`, { queueType: 'sideways' })).status,
    ).toBe(400);
    expect((await as(admin).send('PATCH', `/api/lines/${lineId}/settings`, { colour: 'red' })).status).toBe(
      400,
    );

    const patched = await as(admin).send<{
      queueType: string;
      queueTimeSec: number;
      reopenWindowSec: number;
    }>('PATCH', `/api/lines/${lineId}/settings`, { queueType: 'strictly', welcomeMessage: 'Hello!' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ queueType: 'strictly', queueTimeSec: 60, reopenWindowSec: 600 });
    expect((await as(operator).get(`/api/lines/${lineId}/settings`)).body).toMatchObject({
      welcomeMessage: 'Hello!',
    });

    expect(
      (await as(operator).send('PUT', `/api/lines/${lineId}/operators`, { userIds: [operatorId] })).status,
    ).toBe(403);
    const ops = await as(admin).send('PUT', `/api/lines/${lineId}/operators`, { userIds: [operatorId] });
    expect(ops.body).toEqual({ userIds: [operatorId] });
  });

  it('should keep quick answers of a line', async () => {
    const created = await as(admin).send<{ id: number }>('POST', `/api/lines/${lineId}/quick-answers`, {
      title: 'Greeting',
      text: 'Good day! How can I help?',
    });
    expect(created.status).toBe(201);
    const path = `/api/lines/${lineId}/quick-answers/${created.body.id}`;
    expect((await as(admin).send('PATCH', path, { text: 'Hi!' })).body).toMatchObject({
      title: 'Greeting',
      text: 'Hi!',
    });
    expect((await as(operator).get(`/api/lines/${lineId}/quick-answers`)).body).toHaveLength(1);
    expect((await as(admin).send('DELETE', path)).status).toBe(204);
    expect((await as(admin).send('DELETE', path)).status).toBe(404);
  });

  it('should queue a chat while the operator is away, with its position', async () => {
    expect(
      (await as(operator).send('PUT', '/api/operators/me/presence', { status: 'away' })).body,
    ).toMatchObject({
      status: 'away',
    });
    await events.emit(
      'OnReceivedMessage',
      receivedMessagePayload({ line: String(lineId), chatId: 'queued' }),
    );
    const queue = await as(operator).get<{ position: number; session: SessionBody }[]>(
      `/api/sessions/queue?lineId=${lineId}`,
    );
    expect(queue.body).toEqual([{ position: 1, session: expect.objectContaining({ status: 'waiting' }) }]);
  });

  it('should show an operator the colleagues to transfer to, with presence and without emails', async () => {
    const list = await as(operator).get<Record<string, unknown>[]>('/api/operators');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { id: expect.any(Number), name: expect.any(String), role: 'admin', status: 'offline' },
      { id: operatorId, name: 'Olga', role: 'operator', status: 'away' },
    ]);
    expect(JSON.stringify(list.body)).not.toContain('@');
    expect((await api(portal, 'GET', '/api/operators')).status).toBe(401);
  });

  it('should assign to the operator who comes online, and take their actions', async () => {
    await as(operator).send('PUT', '/api/operators/me/presence', { status: 'online' });
    const mine = await as(operator).get<SessionBody[]>('/api/sessions?mine=true');
    expect(mine.body).toEqual([expect.objectContaining({ status: 'assigned', operatorId })]);
    const id = mine.body[0].id;

    expect((await as(admin).send('POST', `/api/sessions/${id}/close`)).status).toBe(403);
    const accepted = await as(operator).send<SessionBody>('POST', `/api/sessions/${id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.acceptedAt).not.toBeNull();

    const history = await as(operator).get<{
      history: { note: string }[];
      decisions: { outcome: string; reason: string }[];
    }>(`/api/sessions/${id}/history`);
    expect(history.body.history.map((x) => x.note)).toEqual([
      'opened by a customer message',
      'queued',
      'routed',
      'accepted',
    ]);
    expect(history.body.decisions).toEqual([
      expect.objectContaining({ outcome: 'queued', reason: expect.stringContaining('1 away') }),
      expect.objectContaining({ outcome: 'assigned', reason: expect.stringContaining('strictly') }),
    ]);

    expect(
      (await as(operator).send('POST', `/api/sessions/${id}/transfer`, { toOperatorId: 999_999 })).status,
    ).toBe(404);
    expect((await as(operator).send('POST', `/api/sessions/${id}/transfer`, { elsewhere: 1 })).status).toBe(
      400,
    );
    const closed = await as(operator).send<SessionBody>('POST', `/api/sessions/${id}/close`);
    expect(closed.body.status).toBe('closed');
    expect((await as(operator).send('POST', `/api/sessions/${id}/close`)).status).toBe(409);
  });
});
