import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { InboxRepository } from '../../src/portal/input/inbox/inbox.repository.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { olpBody, olpMessage, signedPost } from '../factories/packet.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { launchBrowser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { startOlpPeer, type OlpPeer } from '../support/olp-peer.js';
import { startPortal, type TestPortal } from '../support/portal.js';

const BIDI_AND_ZERO_WIDTH = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

describe('Web UI: customer text shown inert, parked messages replayed', () => {
  const keySpec = generateKeySpec('srv1');
  let peer: OlpPeer;
  let portal: TestPortal;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    peer = await startOlpPeer({ keySpec, serverId: 'server-test', portalId: 'portal-test' });
    portal = await startPortal({
      env: { OLP_KEYS: keySpec, CONNECTOR_SERVER_URL: peer.url, INBOX_MAX_ATTEMPTS: '1' },
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await peer?.close();
  });

  it('should show them as markers, isolated, and keep an emoji joined by ZWJ whole', async () => {
    const token = await login(portal, testAdmin.email, testAdmin.password);
    const lineId = (await api<{ id: number }>(portal, 'POST', '/api/lines', { token, body: { name: 'S' } }))
      .body.id;
    const text = 'invoice\u202efdp.exe [b]pay\u200bpal[/b] \u2067x\u2069 👩\u200d💻';
    const res = await signedPost(
      `${portal.url}/olp/v1/input`,
      olpBody(
        'receivingMessage',
        [olpMessage({ chatId: 'bidi', user: { name: 'Eve\u202e', last_name: 'Doe' }, text })],
        { line: String(lineId) },
      ),
      { keySpec, iss: 'server-test', aud: 'portal-test' },
    );
    expect(res.status).toBe(200);
    const chats = await eventually(
      'the chat',
      () => api<{ id: number }[]>(portal, 'GET', `/api/chats?line=${lineId}`, { token }),
      (r) => r.body.length === 1,
    );

    await page.goto(portal.url);
    await page.fill('input[name=email]', testAdmin.email);
    await page.fill('input[name=password]', testAdmin.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.chat-list');
    await page.goto(`${portal.url}/#/inbox/${lineId}/${chats.body[0].id}`);
    const message = page.locator('.msg.in .text').first();
    await message.waitFor();

    expect(await message.textContent()).toBe('invoice⟨RLO⟩fdp.exe pay⟨ZWSP⟩pal ⟨RLI⟩x⟨PDI⟩ 👩\u200d💻');
    expect(await message.getAttribute('dir')).toBe('auto');
    expect(await message.locator('strong .invisible-char').textContent()).toBe('⟨ZWSP⟩');
    expect(await message.locator('.invisible-char').first().getAttribute('title')).toBe(
      'U+202E, an invisible character',
    );
    // No control character reached the page's text, where it would take effect (the emoji's ZWJ aside).
    const shown = await page.locator('.msg.in .text, .chat-name, .conv-title h2').allTextContents();
    expect(shown.filter((t) => BIDI_AND_ZERO_WIDTH.test(t.replace('👩\u200d💻', '')))).toEqual([]);
    expect(await page.locator('.chat-item .chat-name').textContent()).toBe('Eve⟨RLO⟩ Doe');
    expect(await page.locator('.conv-title h2').textContent()).toBe('Eve⟨RLO⟩ Doe');
  });

  it('should list a parked message on the Alerts page and replay it with its button', async () => {
    const db = portal.app.get(DatabaseService).client;
    const message = olpMessage({ chatId: 'parked', text: 'back again' });
    const [stored] = await portal.app.get(InboxRepository).storePacket({
      connector: 'telegrambot',
      line: '1',
      now: new Date(),
      messages: [{ chatId: 'parked', messageId: message.message.id, typeMessage: 'message', payload: '{}' }],
    });
    await eventually(
      'the row parked',
      () => db.inboxMessage.findUniqueOrThrow({ where: { id: stored.id } }),
      (r) => r.state === 'failed',
    );
    await db.inboxMessage.update({ where: { id: stored.id }, data: { payload: JSON.stringify(message) } });

    await page.goto(`${portal.url}/#/alerts`);
    const row = page.locator(`table.parked tr[data-inbox-id="${stored.id}"]`);
    await row.waitFor();
    expect(await page.locator('.alerts li', { hasText: `inbox row ${stored.id}` }).count()).toBe(1);
    await row.locator('[data-action=replay]').click();
    await row.waitFor({ state: 'detached' });
    await eventually(
      'the replayed row processed',
      () => db.inboxMessage.findUniqueOrThrow({ where: { id: stored.id } }),
      (r) => r.state === 'done',
    );
  });
});
