import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { generateKeySpec } from '../../src/protocol/index.js';
import { olpBody, olpMessage, signedPost } from '../factories/packet.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { launchBrowser } from '../support/browser.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const SERVER_ID = 'server-test';
const PORTAL_ID = 'portal-test';

describe('Web UI: inbox and channel wizard in a real browser', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let browser: Browser;
  let page: Page;
  let token: string;
  let lineId: number;

  const signing = { keySpec, iss: SERVER_ID, aud: PORTAL_ID };
  const send = (command: string, data: unknown) =>
    signedPost(`${portal.url}/olp/v1/input`, olpBody(command, data, { line: String(lineId) }), signing);

  /** Polls the API until `pred` holds (the inbox pipeline runs after the packet is answered). */
  async function eventually<T>(probe: () => Promise<T>, pred: (v: T) => boolean): Promise<T> {
    const until = Date.now() + 15_000;
    for (;;) {
      const value = await probe();
      if (pred(value)) return value;
      if (Date.now() > until) throw new Error(`timed out: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function signIn(on: Page, email: string, password: string): Promise<void> {
    await on.goto(portal.url);
    await on.fill('input[name=email]', email);
    await on.fill('input[name=password]', password);
    await on.click('button[type=submit]');
    await on.waitForSelector('.chat-list');
  }

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: SERVER_ID, portalId: PORTAL_ID });
    portal = await startPortal({ env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url } });
    token = await login(portal, testAdmin.email, testAdmin.password);
    lineId = (await api<{ id: number }>(portal, 'POST', '/api/lines', { token, body: { name: 'Support' } }))
      .body.id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Under the test's own timeout, so a missing element fails with its selector named.
    page.setDefaultTimeout(15_000);
    await signIn(page, testAdmin.email, testAdmin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await peer?.close();
  });

  it('should refuse a wrong password on the sign-in page', async () => {
    const other = await browser.newPage();
    await other.goto(portal.url);
    await other.fill('input[name=email]', testAdmin.email);
    await other.fill('input[name=password]', 'wrong-password');
    await other.click('button[type=submit]');
    await other.waitForSelector('.form-error:not(:empty)');
    expect(await other.locator('.chat-list').count()).toBe(0);
    await other.close();
  });

  it('should show a chat that arrived by a signed packet, with hostile text inert', async () => {
    const text = '<img src=x onerror="window.pwned=1"> hi [b]there[/b]';
    const res = await send('receivingMessage', [
      olpMessage({ chatId: 'tg-42', user: { id: 'u-42', name: 'Maria', last_name: 'Lopez' }, text }),
    ]);
    expect(res.status).toBe(200);
    const chats = await eventually(
      () => api<{ id: number }[]>(portal, 'GET', `/api/chats?line=${lineId}`, { token }),
      (r) => r.body.length === 1,
    );
    const chatId = chats.body[0].id;
    await page.goto(`${portal.url}/#/inbox/${lineId}`);
    const item = page.locator(`.chat-item[data-chat-id="${chatId}"]`);
    await item.waitFor();
    expect(await item.locator('.chat-name').textContent()).toBe('Maria Lopez');
    await item.locator('a').click();
    const message = page.locator('.msg.in .text').first();
    await message.waitFor();
    expect(await message.textContent()).toBe('<img src=x onerror="window.pwned=1"> hi there');
    expect(await message.locator('strong').textContent()).toBe('there');
    expect(await page.locator('.msg img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('.customer h3').textContent()).toBe('Maria Lopez');
  });

  it('should send a reply and show it pending, then delivered when the server confirms', async () => {
    await page.fill('textarea[name=reply]', 'Hello Maria, how can I help?');
    await page.click('form.reply button[type=submit]');
    const out = page.locator('.msg.out').last();
    await out.waitFor();
    expect(await out.locator('.text').textContent()).toBe('Hello Maria, how can I help?');
    // Nothing confirmed it yet: the outbox holds it (pending) or the server took it (sent).
    expect(['pending', 'sent']).toContain(await out.locator('[data-status]').getAttribute('data-status'));
    const call = await peer.waitFor((c) => c.command === 'sendMessage');
    const [items] = call.data as [{ im: { chat_id: string; message_id: string }; chat: { id: string } }[]];
    const item = items[0];
    expect(item.chat.id).toBe('tg-42');
    const res = await send('receivingStatusDelivery', [
      { im: item.im, message: { id: ['tg-msg-1'], date: 1_767_225_600 }, chat: { id: 'tg-42' } },
    ]);
    expect(res.status).toBe(200);
    await page.locator('.msg.out [data-status="delivered"]').waitFor();
  });

  it('should send a file with a reply, then edit the reply', async () => {
    await page.setInputFiles('input[name=attach]', {
      name: 'invoice.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Invoice 4821: 12.00 EUR'),
    });
    await page.locator('.attachments .chip').waitFor();
    await page.fill('textarea[name=reply]', 'Here is your invoice');
    await page.click('form.reply button[type=submit]');
    const sent = await peer.waitFor(
      (c) => c.command === 'sendMessage' && JSON.stringify(c.data).includes('Here is your invoice'),
    );
    const [[item]] = sent.data as [{ message: { files?: { name: string }[] } }[]];
    expect(item.message.files?.map((f) => f.name)).toEqual(['invoice.txt']);
    const out = page.locator('.msg.out', { hasText: 'Here is your invoice' });
    await out.locator('.files').waitFor();
    expect(await page.locator('.attachments .chip').count()).toBe(0);

    await out.locator('[data-tool=edit]').click();
    await page.fill('textarea[name=edit]', 'Here is your invoice (corrected)');
    await page.click('form.edit button[type=submit]');
    await page.locator('.msg.out .text', { hasText: '(corrected)' }).waitFor();
    await peer.waitFor(
      (c) => c.command === 'updateMessage' && JSON.stringify(c.data).includes('(corrected)'),
    );
  });

  it('should let the operator accept and close a chat routed to them', async () => {
    const me = await api<{ id: number }>(portal, 'GET', '/api/auth/me', { token });
    await api(portal, 'PUT', `/api/lines/${lineId}/operators`, { token, body: { userIds: [me.body.id] } });
    await api(portal, 'PUT', '/api/operators/me/presence', { token, body: { status: 'online' } });
    await send('receivingMessage', [
      olpMessage({
        chatId: 'tg-77',
        user: { id: 'u-77', name: 'Tom', last_name: 'Baker' },
        text: 'Hi there',
      }),
    ]);
    const sessions = await eventually(
      () =>
        api<{ chatId: number; status: string; operatorId: number | null }[]>(
          portal,
          'GET',
          `/api/sessions?lineId=${lineId}`,
          { token },
        ),
      (r) => r.body.some((s) => s.operatorId === me.body.id && s.status === 'assigned'),
    );
    const chatId = sessions.body.find((s) => s.operatorId === me.body.id)!.chatId;
    await page.goto(`${portal.url}/#/inbox/${lineId}/${chatId}`);
    await page.click('button[data-action=accept]');
    await page.locator('button[data-action=accept]').waitFor({ state: 'detached' });
    await page.click('button[data-action=close]');
    await page.locator('[data-session-status=closed]').waitFor();
    const closed = await api<{ chatId: number; status: string }[]>(
      portal,
      'GET',
      `/api/sessions?lineId=${lineId}`,
      { token },
    );
    expect(closed.body.find((s) => s.chatId === chatId)?.status).toBe('closed');

    // Why the chat went where it went: status changes and routing decisions, in time order.
    await page.click('.session-history summary');
    const entries = page.locator('.session-history li');
    await entries.filter({ hasText: 'closed' }).waitFor();
    const texts = await entries.allTextContents();
    expect(texts.some((t) => /assigned → You: \S/.test(t))).toBe(true);
    expect(texts.findIndex((t) => t.includes('accepted'))).toBeLessThan(
      texts.findIndex((t) => t.includes('closed')),
    );
  });

  it('should let an operator (not an admin) transfer a chat to a colleague', async () => {
    const addOperator = async (name: string, email: string) => {
      const password = `${name.toLowerCase()}-password`;
      const id = (
        await api<{ id: number }>(portal, 'POST', '/api/users', {
          token,
          body: { email, name, password, role: 'operator' },
        })
      ).body.id;
      const own = await login(portal, email, password);
      await api(portal, 'PUT', '/api/operators/me/presence', { token: own, body: { status: 'online' } });
      return { id, email, password };
    };
    const olga = await addOperator('Olga', 'olga@example.test');
    const petr = await addOperator('Petr', 'petr@example.test');
    await api(portal, 'PUT', `/api/lines/${lineId}/operators`, { token, body: { userIds: [olga.id] } });
    await send('receivingMessage', [
      olpMessage({ chatId: 'tg-88', user: { id: 'u-88', name: 'Ann' }, text: 'Who can help?' }),
    ]);
    const sessionOf = async () =>
      (
        await api<{ chatId: number; operatorId: number | null; status: string }[]>(
          portal,
          'GET',
          `/api/sessions?lineId=${lineId}`,
          { token },
        )
      ).body.find((s) => s.status !== 'closed' && s.operatorId !== null);
    const assigned = await eventually(sessionOf, (s) => s?.operatorId === olga.id);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const own = await context.newPage();
      own.setDefaultTimeout(15_000);
      await signIn(own, olga.email, olga.password);
      await own.goto(`${portal.url}/#/inbox/${lineId}/${assigned!.chatId}`);
      const option = own.locator('select.transfer-to option', { hasText: 'Petr (online)' });
      await option.waitFor({ state: 'attached' });
      await own.selectOption('select.transfer-to', `op:${petr.id}`);
      const moved = await eventually(sessionOf, (s) => s?.operatorId === petr.id);
      expect(moved?.chatId).toBe(assigned!.chatId);
    } finally {
      await context.close();
    }
  });

  it('should show a deactivated connector as an unread alert until the admin marks it read', async () => {
    const res = await send('deactivateConnector', { reason: 'the bot was connected to another portal' });
    expect(res.status).toBe(200);
    await page.goto(`${portal.url}/#/alerts`);
    await page.locator('li.alert.unread', { hasText: 'another portal' }).waitFor();
    await page.locator('[data-alert-count]:not(.hidden)', { hasText: '1' }).waitFor();
    await page.click('button[data-action=mark-alerts-read]');
    await page.locator('button[data-action=mark-alerts-read]').waitFor({ state: 'detached' });
    expect(await page.locator('li.alert.unread').count()).toBe(0);
    expect(await page.locator('li.alert', { hasText: 'another portal' }).count()).toBe(1);
    expect(await page.locator('[data-alert-count]').isHidden()).toBe(true);
  });

  it('should let an admin add a team member who can then sign in, and refuse a taken email', async () => {
    await page.goto(`${portal.url}/#/team`);
    const form = page.locator('form.add-user');
    const add = async (email: string) => {
      await form.locator('input[name=name]').fill('Vera Nowak');
      await form.locator('input[name=email]').fill(email);
      await form.locator('input[name=password]').fill('vera-password');
      await form.locator('select[name=role]').selectOption('operator');
      await form.locator('button[type=submit]').click();
    };
    await add('vera@example.test');
    const row = page.locator('table[aria-label=Team] tr', { hasText: 'vera@example.test' });
    await row.waitFor();
    expect(await row.locator('[data-presence]').textContent()).toBe('offline');
    expect(await login(portal, 'vera@example.test', 'vera-password')).toEqual(expect.any(String));

    await add('vera@example.test');
    await page.locator('form.add-user .form-error', { hasText: 'already' }).waitFor();
    expect(await page.locator('table[aria-label=Team] tr', { hasText: 'vera@example.test' }).count()).toBe(1);
  });

  it('should let an admin add and delete the quick answers of a line', async () => {
    await page.goto(`${portal.url}/#/lines/${lineId}`);
    const form = page.locator('form.quick-answer');
    for (const [title, text] of [
      ['Greeting', 'Good day! How can I help?'],
      ['Hours', 'We answer from 9 to 18.'],
    ]) {
      await form.locator('input[name=title]').fill(title);
      await form.locator('textarea[name=text]').fill(text);
      await form.locator('button[type=submit]').click();
      await page.locator('.quick-answers li', { hasText: title }).waitFor();
    }
    await page
      .locator('.quick-answers li', { hasText: 'Hours' })
      .locator('button[data-action=delete-quick-answer]')
      .click();
    await page.locator('.quick-answers li', { hasText: 'Hours' }).waitFor({ state: 'detached' });
    const stored = await api<{ title: string; text: string }[]>(
      portal,
      'GET',
      `/api/lines/${lineId}/quick-answers`,
      { token },
    );
    expect(stored.body.map((q) => [q.title, q.text])).toEqual([['Greeting', 'Good day! How can I help?']]);
  });

  it('should let a signed-in user change their password on the account page', async () => {
    await api(portal, 'POST', '/api/users', {
      token,
      body: { email: 'pia@example.test', name: 'Pia', password: 'pia-password' },
    });
    const context = await browser.newContext();
    try {
      const own = await context.newPage();
      own.setDefaultTimeout(15_000);
      await signIn(own, 'pia@example.test', 'pia-password');
      await own.click('a.me-name');
      const form = own.locator('form.change-password');
      const submit = async (current: string, next: string, again = next) => {
        await form.locator('input[name=currentPassword]').fill(current);
        await form.locator('input[name=newPassword]').fill(next);
        await form.locator('input[name=newPasswordAgain]').fill(again);
        await form.locator('button[type=submit]').click();
      };
      await submit('pia-password', 'pia-new-password', 'something else');
      await form.locator('.form-error', { hasText: 'differ' }).waitFor();
      await submit('wrong-password', 'pia-new-password');
      await form.locator('.form-error', { hasText: 'not right' }).waitFor();
      await submit('pia-password', 'pia-new-password');
      await form.locator('.form-message', { hasText: 'Password changed.' }).waitFor();
      expect(own.url()).toContain('#/account');
    } finally {
      await context.close();
    }
    await expect(login(portal, 'pia@example.test', 'pia-password')).rejects.toThrow();
    expect(await login(portal, 'pia@example.test', 'pia-new-password')).toEqual(expect.any(String));
  });

  it('should run the channel wizard and show each step', async () => {
    peer.respond((call) =>
      call.command === 'register'
        ? { status: 200, body: { ok: true, data: { result: 'OK', link: 'https://t.me/support_bot' } } }
        : undefined,
    );
    await page.click('a[data-nav=lines]');
    await page.locator(`tr[data-line-id="${lineId}"] a.button`).click();
    await page.click('a.choice[data-connector=telegrambot]');
    await page.fill('input[name=token]', '123456:ABCDEF');
    await page.click('form.params button[type=submit]');
    await page.locator('[data-outcome=connected]').waitFor();
    for (const step of ['saveSettings', 'testConnect', 'register']) {
      expect(await page.locator(`.step[data-step=${step}]`).getAttribute('data-state')).toBe('ok');
    }
    const saved = await peer.waitFor((c) => c.command === 'saveSettings');
    expect(saved.data).toEqual([{ token: '123456:ABCDEF' }]);
    await page.click('[data-outcome=connected] a');
    const row = page.locator('tr[data-connector=telegrambot]');
    await row.waitFor();
    expect(await row.locator('.pill').getAttribute('data-state')).toBe('active');
  });

  it('should show the failing step of the wizard with its code', async () => {
    peer.respond((call) =>
      call.command === 'testConnect'
        ? {
            status: 400,
            body: { ok: false, error: [{ code: 'INVALID_CREDENTIALS', message: 'Unauthorized' }] },
          }
        : undefined,
    );
    await page.goto(`${portal.url}/#/lines/${lineId}/connect/botframework`);
    await page.fill('input[name=app_id]', 'app-1');
    await page.fill('input[name=app_password]', 'wrong');
    await page.click('form.params button[type=submit]');
    await page.locator('[data-outcome=failed]').waitFor();
    const failed = page.locator('.step[data-step=testConnect]');
    expect(await failed.getAttribute('data-state')).toBe('failed');
    expect(await failed.textContent()).toContain('INVALID_CREDENTIALS');
    expect(await page.locator('.step[data-step=register]').getAttribute('data-state')).toBe('skipped');
  });
});
