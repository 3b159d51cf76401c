import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { api, login, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

describe('REST API: sign-in and roles', () => {
  let portal: TestPortal;
  let adminToken: string;
  let operatorToken: string;

  beforeAll(async () => {
    portal = await startPortal();
    adminToken = await login(portal, testAdmin.email, testAdmin.password);
    const created = await api(portal, 'POST', '/api/users', {
      token: adminToken,
      body: { email: 'Olga@Example.com ', name: 'Olga', password: 'operator-password' },
    });
    expect(created.status).toBe(201);
    operatorToken = await login(portal, 'olga@example.com', 'operator-password');
  });
  afterAll(async () => {
    await portal.close();
  });

  describe('POST /api/auth/login', () => {
    it('should return a bearer token and the user for the right password', async () => {
      const res = await api<{ token: string; tokenType: string; expiresAt: string; user: unknown }>(
        portal,
        'POST',
        '/api/auth/login',
        { body: { email: 'ADMIN@switchboard.local', password: testAdmin.password } },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresAt: expect.any(String),
        user: {
          id: expect.any(Number),
          email: testAdmin.email,
          name: 'Administrator',
          role: 'admin',
          status: 'active',
          createdAt: expect.any(String),
        },
      });
      const me = await api(portal, 'GET', '/api/auth/me', { token: res.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: testAdmin.email, role: 'admin' });
    });

    it('should answer 401 with the same words for a wrong password and an unknown email', async () => {
      const wrong = await api(portal, 'POST', '/api/auth/login', {
        body: { email: testAdmin.email, password: 'not-the-password' },
      });
      const unknown = await api(portal, 'POST', '/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'whatever1' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.text).not.toContain('not-the-password');
    });

    it('should answer 400 naming the field for a malformed body', async () => {
      const res = await api<{ message: string[] }>(portal, 'POST', '/api/auth/login', {
        body: { email: testAdmin.email },
      });
      expect(res.status).toBe(400);
      expect(res.body.message.join(' ')).toContain('password');
    });
  });

  describe('the guard', () => {
    it('should answer 401 without a token', async () => {
      const res = await api(portal, 'GET', '/api/lines');
      expect(res.status).toBe(401);
    });

    it('should answer 401 for a malformed, forged or expired token', async () => {
      const forged = await new SignJWT({ email: testAdmin.email, role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('1')
        .setIssuer('switchboard-portal')
        .setAudience('switchboard-api')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(32)));
      const key = new TextEncoder().encode(portal.config.authSecret);
      const expired = await new SignJWT({ email: testAdmin.email, role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('1')
        .setIssuer('switchboard-portal')
        .setAudience('switchboard-api')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(key);
      for (const token of ['garbage', forged, expired, `${adminToken}x`]) {
        expect((await api(portal, 'GET', '/api/lines', { token })).status).toBe(401);
      }
    });

    it('should protect every documented /api route except login', async () => {
      const doc = (
        await api<{ paths: Record<string, Record<string, unknown>> }>(portal, 'GET', '/api/docs-json')
      ).body;
      const routes = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/') && path !== '/api/auth/login')
        .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
      expect(routes.length).toBeGreaterThanOrEqual(9);
      for (const { method, path } of routes) {
        const concrete = path.replace(/\{[^}]+\}/g, '1');
        const res = await api(portal, method, concrete, method === 'GET' ? {} : { body: {} });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      }
    });
  });

  describe('POST /api/auth/password', () => {
    it('should change the password only with the current one, ending older tokens', async () => {
      const change = (body: unknown) =>
        api<{ message?: string | string[]; token: string }>(portal, 'POST', '/api/auth/password', {
          token: operatorToken,
          body,
        });
      const wrong = await change({ currentPassword: 'not-it', newPassword: 'new-operator-password' });
      expect(wrong.status).toBe(403);
      expect((await change({ currentPassword: 'operator-password', newPassword: 'short' })).status).toBe(400);
      expect(
        (await change({ currentPassword: 'operator-password', newPassword: 'x'.repeat(73) })).status,
      ).toBe(400);
      await expect(login(portal, 'olga@example.com', 'operator-password')).resolves.toEqual(
        expect.any(String),
      );

      const before = operatorToken;
      const changed = await change({
        currentPassword: 'operator-password',
        newPassword: 'new-operator-password',
      });
      expect(changed.status).toBe(200);
      await expect(login(portal, 'olga@example.com', 'operator-password')).rejects.toThrow();
      await expect(login(portal, 'olga@example.com', 'new-operator-password')).resolves.toEqual(
        expect.any(String),
      );
      expect((await api(portal, 'GET', '/api/auth/me', { token: before })).status).toBe(401);
      operatorToken = changed.body.token;
      expect((await api(portal, 'GET', '/api/auth/me', { token: operatorToken })).status).toBe(200);
      // Back, for the tests after this one.
      const back = await change({
        currentPassword: 'new-operator-password',
        newPassword: 'operator-password',
      });
      expect(back.status).toBe(200);
      operatorToken = back.body.token;
    });
  });

  describe('roles', () => {
    it('should let operators read lines but not create them', async () => {
      expect((await api(portal, 'GET', '/api/lines', { token: operatorToken })).status).toBe(200);
      const res = await api(portal, 'POST', '/api/lines', { token: operatorToken, body: { name: 'Sales' } });
      expect(res.status).toBe(403);
    });

    it('should keep alerts and users to admins', async () => {
      expect((await api(portal, 'GET', '/api/alerts', { token: operatorToken })).status).toBe(403);
      expect((await api(portal, 'GET', '/api/users', { token: operatorToken })).status).toBe(403);
      expect((await api(portal, 'GET', '/api/alerts', { token: adminToken })).status).toBe(200);
      const users = await api<{ email: string; role: string }[]>(portal, 'GET', '/api/users', {
        token: adminToken,
      });
      expect(users.body.map((u) => [u.email, u.role])).toEqual([
        [testAdmin.email, 'admin'],
        ['olga@example.com', 'operator'],
      ]);
    });

    it('should refuse a second user with the same email', async () => {
      const res = await api(portal, 'POST', '/api/users', {
        token: adminToken,
        body: { email: 'olga@example.com', name: 'Olga 2', password: 'another-password' },
      });
      expect(res.status).toBe(409);
    });
  });
});
