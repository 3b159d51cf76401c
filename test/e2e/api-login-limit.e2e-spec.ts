import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const signIn = (portal: TestPortal, email: string, password: string) =>
  api<{ message: string }>(portal, 'POST', '/api/auth/login', { body: { email, password } });

describe('REST API: sign-in rate limit', () => {
  let portal: TestPortal;

  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(async () => {
    await portal.close();
  });

  it('should answer 429 with Retry-After to 60 wrong passwords, and refuse the right one meanwhile', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await signIn(portal, testAdmin.email, `wrong-${i}`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(res.body.message).toMatch(/too many sign-in attempts/);
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(40);
    const right = await signIn(portal, testAdmin.email, testAdmin.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('should still refuse after a restart on the same database', async () => {
    // Wait out the short delays until one is long enough to outlast a restart.
    for (;;) {
      const res = await signIn(portal, testAdmin.email, 'wrong-again');
      const wait = Number(res.headers.get('retry-after') ?? 0);
      if (wait >= 8) break;
      if (res.status === 429) await new Promise((r) => setTimeout(r, wait * 1000));
    }
    await portal.stop();
    portal = await startPortal({ reuse: portal });
    const right = await signIn(portal, testAdmin.email, testAdmin.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another account from the same address is not held up by this one.
    expect((await signIn(portal, 'nobody@example.test', 'whatever-1')).status).toBe(401);
  });
});
