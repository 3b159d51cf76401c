import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { api, login, testAdmin } from '../support/api-client.js';
import { launchBrowser } from '../support/browser.js';
import { startPortal, type TestPortal } from '../support/portal.js';

/** The Team page's access buttons, driven in a real browser against the real portal. */
describe('Web UI: Team page disables, enables and removes a member', () => {
  let portal: TestPortal;
  let browser: Browser;
  let page: Page;
  let token: string;

  const member = { name: 'Olga Operator', email: 'olga@team.test', password: 'olga-password' };
  let memberId: number;
  const row = () => `tr[data-user-id="${memberId}"]`;

  beforeAll(async () => {
    portal = await startPortal();
    token = await login(portal, testAdmin.email, testAdmin.password);
    memberId = (
      await api<{ id: number }>(portal, 'POST', '/api/users', {
        token,
        body: { ...member, role: 'operator' },
      })
    ).body.id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    await page.goto(portal.url);
    await page.fill('input[name=email]', testAdmin.email);
    await page.fill('input[name=password]', testAdmin.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.chat-list');
    await page.click('[data-nav=team]');
    await page.waitForSelector(row());
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('should disable a member: marked disabled, and they can no longer sign in', async () => {
    const memberToken = await login(portal, member.email, member.password);
    await page.click(`${row()} [data-action=disable]`);
    await page.waitForSelector(`${row()} [data-status=disabled]`);

    expect((await api(portal, 'GET', '/api/chats', { token: memberToken })).status).toBe(401);
    const signIn = await api(portal, 'POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    expect(signIn.status).toBe(401);
  });

  it('should enable them again', async () => {
    await page.click(`${row()} [data-action=enable]`);
    await page.waitForSelector(`${row()} [data-action=disable]`);
    expect(await page.$(`${row()} [data-status=disabled]`)).toBeNull();
    await expect(login(portal, member.email, member.password)).resolves.toEqual(expect.any(String));
  });

  it('should ask before removing, and keep the member when the admin cancels', async () => {
    page.once('dialog', (d) => void d.dismiss());
    await page.click(`${row()} [data-action=remove]`);
    await page.waitForTimeout(200);
    expect(await page.$(row())).not.toBeNull();
  });

  it('should remove the member once confirmed: gone from the list and from the API', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.click(`${row()} [data-action=remove]`);
    await page.waitForSelector(row(), { state: 'detached' });
    const users = await api<{ id: number }[]>(portal, 'GET', '/api/users', { token });
    expect(users.body.map((u) => u.id)).not.toContain(memberId);
  });
});
