import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { receivedMessagePayload } from '../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

interface SessionBody {
  id: number;
  status: string;
  operatorId: number | null;
}

/** Opens GET /api/stream and resolves once the portal ends it; rejects if it is still open after timeoutMs. */
async function streamEnd(url: string, headers: Record<string, string>, timeoutMs: number) {
  const aborter = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: aborter.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  await reader.read(); // the "connected" comment: the stream is open
  return {
    ended: (async () => {
      const timer = setTimeout(() => aborter.abort(), timeoutMs);
      try {
        while (!(await reader.read()).done);
      } catch {
        throw new Error(`the stream was still open after ${timeoutMs} ms`);
      } finally {
        clearTimeout(timer);
      }
    })(),
  };
}

describe('REST API: tokens end with their user; disable, enable and remove', () => {
  let portal: TestPortal;
  let admin: string;
  let lineId: number;
  let events: PortalEvents;

  const as = (token: string) => ({
    get: <T>(path: string) => api<T>(portal, 'GET', path, { token }),
    send: <T>(method: string, path: string, body?: unknown) => api<T>(portal, method, path, { token, body }),
  });
  const addUser = async (email: string, role: 'admin' | 'operator' = 'operator') => {
    const res = await as(admin).send<{ id: number }>('POST', '/api/users', {
      email,
      name: email.split('@')[0],
      password: 'user-password',
      role,
    });
    expect(res.status).toBe(201);
    return { id: res.body.id, token: await login(portal, email, 'user-password') };
  };

  beforeAll(async () => {
    // A long heartbeat: a stream that ends at once was ended by the bump, not by a sweep.
    portal = await startPortal({ env: { STREAM_HEARTBEAT_MS: '60000' } });
    events = portal.app.get(PortalEvents);
    admin = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await as(admin).send<{ id: number }>('POST', '/api/lines', { name: 'Support' })).body.id;
  });
  afterAll(async () => {
    await portal.close();
  });

  it('should refuse a token from before a password change, and close its stream at once', async () => {
    const olga = await addUser('olga@example.test');
    const stream = await streamEnd(
      `${portal.url}/api/stream`,
      { authorization: `Bearer ${olga.token}` },
      2000,
    );
    const changed = await as(olga.token).send<{ token: string }>('POST', '/api/auth/password', {
      currentPassword: 'user-password',
      newPassword: 'new-user-password',
    });
    expect(changed.status).toBe(200);
    await stream.ended;
    expect((await as(olga.token).get('/api/auth/me')).status).toBe(401);
    expect((await as(changed.body.token).get('/api/auth/me')).status).toBe(200);
  });

  it('should refuse a removed operator’s token and stream token, and close the stream', async () => {
    const oleg = await addUser('oleg@example.test');
    const streamToken = (await as(oleg.token).send<{ token: string }>('POST', '/api/stream/token')).body
      .token;
    const stream = await streamEnd(`${portal.url}/api/stream?token=${streamToken}`, {}, 2000);
    const removed = await as(admin).send('DELETE', `/api/users/${oleg.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ id: oleg.id, handedOn: 0 });
    await stream.ended;
    expect((await as(oleg.token).get('/api/lines')).status).toBe(401);
    expect((await fetch(`${portal.url}/api/stream?token=${streamToken}`)).status).toBe(401);
    await expect(login(portal, 'oleg@example.test', 'user-password')).rejects.toThrow(/401/);
    const listed = await as(admin).get<{ id: number }[]>('/api/users');
    expect(listed.body.map((u) => u.id)).not.toContain(oleg.id);
    expect((await as(admin).send('DELETE', `/api/users/${oleg.id}`)).status).toBe(404);
  });

  it('should leave a removed admin’s token unable to create an admin', async () => {
    const second = await addUser('second-admin@example.test', 'admin');
    expect((await as(admin).send('DELETE', `/api/users/${second.id}`)).status).toBe(200);
    const res = await as(second.token).send('POST', '/api/users', {
      email: 'sneaky@example.test',
      name: 'Sneaky',
      password: 'sneaky-password',
      role: 'admin',
    });
    expect(res.status).toBe(401);
    const emails = (await as(admin).get<{ email: string }[]>('/api/users')).body.map((u) => u.email);
    expect(emails).not.toContain('sneaky@example.test');
  });

  it('should keep a disabled user out until enabled, and their older tokens for good', async () => {
    const dana = await addUser('dana@example.test');
    const disabled = await as(admin).send('PUT', `/api/users/${dana.id}/status`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: dana.id, status: 'disabled' });
    expect((await as(dana.token).get('/api/auth/me')).status).toBe(401);
    await expect(login(portal, 'dana@example.test', 'user-password')).rejects.toThrow(/401/);

    const enabled = await as(admin).send('PUT', `/api/users/${dana.id}/status`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active' });
    expect((await as(dana.token).get('/api/auth/me')).status).toBe(401);
    const fresh = await login(portal, 'dana@example.test', 'user-password');
    expect((await as(fresh).get('/api/auth/me')).status).toBe(200);
  });

  it('should refuse disabling or removing yourself, naming why, and bad input', async () => {
    const me = (await as(admin).get<{ id: number }>('/api/auth/me')).body.id;
    const self = await as(admin).send<{ message: string }>('DELETE', `/api/users/${me}`);
    expect(self.status).toBe(400);
    expect(self.body.message).toBe('you cannot remove yourself');
    const selfDisable = await as(admin).send<{ message: string }>('PUT', `/api/users/${me}/status`, {
      status: 'disabled',
    });
    expect(selfDisable.status).toBe(400);
    expect(selfDisable.body.message).toBe('you cannot disable yourself');

    const plain = await addUser('plain@example.test');
    expect((await as(plain.token).send('DELETE', `/api/users/${me}`)).status).toBe(403);
    for (const body of [{ status: 'removed' }, { status: 'gone' }, {}, { status: 'active', extra: 1 }]) {
      expect((await as(admin).send('PUT', `/api/users/${plain.id}/status`, body)).status).toBe(400);
    }
    expect((await as(admin).send('DELETE', '/api/users/999999')).status).toBe(404);
    expect((await as(admin).send('DELETE', '/api/users/abc')).status).toBe(400);
  });

  it('should keep one active admin when two admins disable each other at once', async () => {
    const a = await addUser('race-a@example.test', 'admin');
    const b = await addUser('race-b@example.test', 'admin');
    // The first admin steps aside, so a and b are the only active admins.
    const me = (await as(admin).get<{ id: number }>('/api/auth/me')).body.id;
    expect((await as(a.token).send('PUT', `/api/users/${me}/status`, { status: 'disabled' })).status).toBe(
      200,
    );
    const [ab, ba] = await Promise.all([
      as(a.token).send<{ message: string }>('PUT', `/api/users/${b.id}/status`, { status: 'disabled' }),
      as(b.token).send<{ message: string }>('PUT', `/api/users/${a.id}/status`, { status: 'disabled' }),
    ]);
    const statuses = [ab.status, ba.status].sort();
    expect(statuses[0]).toBe(200);
    // The loser either is already out (401) or is refused as the last active admin (400).
    expect([400, 401]).toContain(statuses[1]);
    const lost = ab.status === 200 ? ba : ab;
    if (lost.status === 400) expect(lost.body.message).toContain('the last active admin');
    const winner = ab.status === 200 ? a : b;
    expect((await as(winner.token).get('/api/users')).status).toBe(200);
    admin = winner.token;
  });

  it('should hand a removed operator’s chats to a colleague on the line', async () => {
    const leaving = await addUser('leaving@example.test');
    const staying = await addUser('staying@example.test');
    await as(admin).send('PUT', `/api/lines/${lineId}/operators`, { userIds: [leaving.id, staying.id] });
    await as(leaving.token).send('PUT', '/api/operators/me/presence', { status: 'online' });
    for (const chatId of ['c1', 'c2']) {
      await events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(lineId), chatId }));
    }
    const held = await as(leaving.token).get<SessionBody[]>('/api/sessions?mine=true');
    expect(held.body).toHaveLength(2);
    await as(leaving.token).send('POST', `/api/sessions/${held.body[0].id}/accept`);
    await as(staying.token).send('PUT', '/api/operators/me/presence', { status: 'online' });

    const removed = await as(admin).send('DELETE', `/api/users/${leaving.id}`);
    expect(removed.body).toEqual({ id: leaving.id, handedOn: 2 });
    const now = await as(staying.token).get<SessionBody[]>('/api/sessions?mine=true');
    expect(now.body.map((x) => [x.id, x.status, x.operatorId]).sort()).toEqual(
      held.body.map((x) => [x.id, 'assigned', staying.id]).sort(),
    );
    const history = await as(admin).get<{ history: { note: string }[] }>(
      `/api/sessions/${held.body[0].id}/history`,
    );
    expect(history.body.history.map((x) => x.note)).toContain(`operator ${leaving.id} was removed`);
    const operators = await as(admin).get<{ userIds: number[] }>(`/api/lines/${lineId}/operators`);
    expect(operators.body.userIds).toEqual([staying.id]);
  });

  it('should hand a disabled operator’s chats on and keep them off the line until enabled', async () => {
    const pausing = await addUser('pausing@example.test');
    const ops = (await as(admin).get<{ userIds: number[] }>(`/api/lines/${lineId}/operators`)).body.userIds;
    await as(admin).send('PUT', `/api/lines/${lineId}/operators`, { userIds: [pausing.id, ...ops] });
    await as(pausing.token).send('PUT', '/api/operators/me/presence', { status: 'online' });
    await events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(lineId), chatId: 'c3' }));
    const held = await as(pausing.token).get<SessionBody[]>('/api/sessions?mine=true');
    expect(held.body).toHaveLength(1);

    const disabled = await as(admin).send('PUT', `/api/users/${pausing.id}/status`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    const session = await as(admin).get<SessionBody>(`/api/sessions/${held.body[0].id}`);
    expect(session.body.operatorId).not.toBe(pausing.id);
    await events.emit('OnReceivedMessage', receivedMessagePayload({ line: String(lineId), chatId: 'c4' }));
    const mine = await as(admin).get<SessionBody[]>(`/api/sessions?lineId=${lineId}`);
    expect(mine.body.filter((x) => x.operatorId === pausing.id)).toEqual([]);
  });
});
