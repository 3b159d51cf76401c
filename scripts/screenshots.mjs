// Writes docs/screenshots/*.png for the README: starts the built portal on a temporary SQLite
// database with a stand-in connector server, fills it with demo conversations through signed
// OLP packets and the REST API, and photographs the UI in the system Chromium.
// Run with `npm run screenshots` (builds first). CHROMIUM_PATH overrides /usr/bin/chromium.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createPortalApp } from '../dist/portal/bootstrap.js';
import { PortalConfig } from '../dist/portal/config.js';
import { generateKeySpec, isFireAndForget, parseKeyRing, signPacket } from '../dist/protocol/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'screenshots');
const PORTAL_ID = 'demo-portal';
const SERVER_ID = 'demo-server';
const ADMIN = { email: 'admin@switchboard.local', password: 'demo-password' };

/** A connector server stand-in that accepts every call (the demo does not need real channels). */
async function startStandIn() {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const { command, connector } = JSON.parse(raw || '{}');
      const data =
        command === 'saveSettings'
          ? { result: 'OK', webhookUrl: `https://connectors.example.com/hook/${connector}-7f3a9c` }
          : command === 'register'
            ? connector === 'livechat'
              ? { result: 'OK', widgetUrl: 'https://connectors.example.com/livechat/widget.js' }
              : { result: 'OK', botLink: 'https://t.me/acme_support_bot' }
            : command === 'testConnect'
              ? { result: 'OK', bot: '@acme_support_bot' }
              : {};
      const status = isFireAndForget(command) ? 202 : 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, data }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-shots-'));
  const keySpec = generateKeySpec('demo1');
  const keys = parseKeyRing(keySpec);
  const standIn = await startStandIn();
  const config = PortalConfig.fromEnv({
    PORT: '0',
    DATA_DIR: dir,
    OLP_KEYS: keySpec,
    PORTAL_ID,
    SERVER_ID,
    CONNECTOR_SERVER_URL: standIn.url,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'error',
  });
  const app = await createPortalApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let browser;
  try {
    const token = (await call(url, 'POST', '/api/auth/login', undefined, ADMIN)).token;
    const rest = (method, path, body) => call(url, method, path, token, body);
    const support = await rest('POST', '/api/lines', { name: 'Customer support' });
    await rest('POST', '/api/lines', { name: 'Sales' });
    await rest('POST', `/api/lines/${support.id}/connectors/livechat/setup`, {
      params: { title: 'Chat with us' },
    });
    const me = await rest('GET', '/api/auth/me');
    const sam = await rest('POST', '/api/users', {
      email: 'sam@example.com',
      name: 'Sam Rivera',
      password: 'demo-password',
      role: 'operator',
    });
    await rest('PUT', `/api/lines/${support.id}/operators`, { userIds: [me.id, sam.id] });
    await rest('PUT', '/api/operators/me/presence', { status: 'online' });
    await rest('PATCH', `/api/lines/${support.id}/settings`, {
      welcomeMessage: 'Hi! An agent will be with you in a moment.',
      maxChatsPerOperator: 2,
    });
    for (const [title, text] of [
      ['Greeting', 'Hi, thanks for reaching out! How can I help you today?'],
      ['Shipping times', 'Orders ship within 24 hours and usually arrive in 2–3 business days.'],
    ]) {
      await rest('POST', `/api/lines/${support.id}/quick-answers`, { title, text });
    }

    const olp = async (command, connector, data) => {
      const rawBody = JSON.stringify({ command, connector, line: String(support.id), data });
      const jws = await signPacket({ iss: SERVER_ID, aud: PORTAL_ID, command, rawBody, keys });
      const res = await fetch(`${url}/olp/v1/input`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jws}` },
        body: rawBody,
      });
      if (!res.ok) throw new Error(`${command}: ${res.status} ${await res.text()}`);
    };
    const now = Math.floor(Date.now() / 1000);
    let seq = 0;
    const incoming = (connector, chat, user, text, minutesAgo) =>
      olp('receivingMessage', connector, [
        {
          type_message: 'message',
          user,
          chat: { id: chat },
          message: { id: `m${++seq}`, date: now - minutesAgo * 60, text },
        },
      ]);
    const chatOf = async (externalId) => {
      for (let i = 0; i < 200; i++) {
        const chats = await rest('GET', `/api/chats?line=${support.id}`);
        const found = chats.find((c) => c.externalChatId === externalId);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`chat ${externalId} did not appear`);
    };
    const reply = async (chat, text) => rest('POST', `/api/chats/${chat.id}/replies`, { text });
    const status = (command, connector, chat, msg, extra = {}) =>
      olp(command, connector, [
        {
          im: { chat_id: String(chat.id), message_id: String(msg.id) },
          chat: { id: chat.externalChatId },
          ...extra,
        },
      ]);

    const maria = { id: 'u-maria', name: 'Maria', last_name: 'Lopez' };
    await incoming('telegrambot', 'tg-1001', maria, "Hi! My order #4821 hasn't arrived yet 📦", 42);
    const mariaChat = await chatOf('tg-1001');
    const mariaSession = (await rest('GET', `/api/sessions?lineId=${support.id}`)).find(
      (x) => x.chatId === mariaChat.id,
    );
    if (mariaSession?.status === 'assigned') await rest('POST', `/api/sessions/${mariaSession.id}/accept`);
    const r1 = await reply(mariaChat, 'Hi Maria, thanks for writing! Let me check order #4821 for you.');
    await status('receivingStatusReading', 'telegrambot', mariaChat, r1, { message: { id: ['901'] } });
    await incoming('telegrambot', 'tg-1001', maria, 'Thanks! It was supposed to arrive on Monday.', 35);
    const r2 = await reply(
      mariaChat,
      'It is with the courier and arrives [b]tomorrow before noon[/b]. You can follow it here: [url=https://track.example.com/4821]track.example.com/4821[/url]',
    );
    await status('receivingStatusDelivery', 'telegrambot', mariaChat, r2, { message: { id: ['902'] } });
    await incoming('telegrambot', 'tg-1001', maria, 'Perfect, thank you so much :)', 3);

    await incoming(
      'botframework.msteams',
      'teams-77',
      { id: 'u-jonas', name: 'Jonas Weber' },
      'Can we change the billing email on our company account?',
      18,
    );
    await incoming('livechat', 'lc-5', { id: 'u-guest' }, 'Hello, do you ship to Canada?', 9);
    const aiko = { id: 'u-aiko', name: 'Aiko', last_name: 'Tanaka' };
    await incoming(
      'telegrambot',
      'tg-2002',
      aiko,
      'The app closes when I upload a photo from the gallery.',
      64,
    );
    const aikoChat = await chatOf('tg-2002');
    const r3 = await reply(aikoChat, 'Sorry about that! Which phone and app version do you use?');
    await status('receivingStatusDelivery', 'telegrambot', aikoChat, r3, { message: { id: ['903'] } });
    await incoming('telegrambot', 'tg-2002', aiko, 'Pixel 8, version 3.2.1', 58);
    const r4 = await reply(
      aikoChat,
      'Thanks, a fix is on its way in 3.2.2. Until then, taking the photo from the camera works.',
    );
    await status('receivingError', 'telegrambot', aikoChat, r4, {
      code: 'BOT_BLOCKED',
      message: 'Forbidden: bot was blocked by the user',
    });
    await chatOf('teams-77');
    await chatOf('lc-5');

    mkdirSync(outDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForSelector('.chat-item');

    const shot = async (name, target = page) => {
      await page.evaluate('document.fonts.ready');
      await target.screenshot({ path: join(outDir, `${name}.png`) });
      console.log(`wrote docs/screenshots/${name}.png`);
    };
    await page.goto(`${url}/#/inbox/${support.id}/${mariaChat.id}`);
    await page.waitForSelector('.msg.out [data-status="read"]');
    // The session's history, with the routing decision's reason, open in the side panel.
    await page.click('.session-history summary');
    await page.waitForSelector('.session-history li.decision');
    await shot('inbox');
    await page.goto(`${url}/#/inbox/${support.id}/${aikoChat.id}`);
    await page.waitForSelector('.msg.out [data-status="failed"]');
    await shot('conversation', page.locator('.conversation'));
    await page.goto(`${url}/#/lines/${support.id}/connect/telegrambot`);
    await page.fill('input[name=token]', '7391852046:AAF3k9-demo-token-xYz');
    await page.click('form.params button[type=submit]');
    await page.waitForSelector('[data-outcome=connected]');
    await shot('wizard');
    await page.goto(`${url}/#/lines/${support.id}`);
    await page.waitForSelector('tr[data-connector=telegrambot]');
    await shot('line');
  } finally {
    await browser?.close();
    await app.close();
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function call(url, method, path, token, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
