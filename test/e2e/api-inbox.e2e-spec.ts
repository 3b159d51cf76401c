import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileStore } from '../../src/portal/files/file-store.js';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { insertOutgoingMessage, receivedMessagePayload } from '../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

interface ChatBody {
  id: number;
  name: string | null;
  customer: { id: number; name: string } | null;
  lastMessage: { text: string; direction: string } | null;
  blocked: boolean;
}
interface MessageBody {
  id: number;
  text: string;
  status: string;
  direction: string;
  files: { id: string; name: string; mime: string; size: number; url: string }[];
  deletedAt: string | null;
}

// A 1x1 PNG, so the stored bytes are a real image.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('REST API: lines, chats, messages and files', () => {
  let portal: TestPortal;
  let token: string;
  let events: PortalEvents;
  let db: DatabaseService;
  let lineId: number;

  const get = <T>(path: string) => api<T>(portal, 'GET', path, { token });

  async function storeFile(id: string, name: string, mime: string, bytes: Buffer): Promise<void> {
    const content = await portal.app.get(FileStore, { strict: false }).put(Readable.from([bytes]), 1_000_000);
    await db.client.storedFile.create({
      data: { id, sha256: content.sha256, name, mime, size: content.size, createdAt: new Date() },
    });
  }

  beforeAll(async () => {
    portal = await startPortal();
    token = await login(portal, testAdmin.email, testAdmin.password);
    events = portal.app.get(PortalEvents);
    db = portal.app.get(DatabaseService);
    const line = await api<{ id: number; name: string }>(portal, 'POST', '/api/lines', {
      token,
      body: { name: '  Support ' },
    });
    expect(line.status).toBe(201);
    expect(line.body.name).toBe('Support');
    lineId = line.body.id;
  });
  afterAll(async () => {
    await portal.close();
  });

  describe('lines and connectors', () => {
    it('should list the lines', async () => {
      const res = await get<{ id: number; name: string }[]>('/api/lines');
      expect(res.body).toEqual([{ id: lineId, name: 'Support', createdAt: expect.any(String) }]);
    });

    it('should reject a line without a name', async () => {
      const res = await api<{ message: string[] }>(portal, 'POST', '/api/lines', {
        token,
        body: { name: '  ' },
      });
      expect(res.status).toBe(400);
      expect(res.body.message.join(' ')).toContain('name');
    });

    it('should show a deactivated connector in error and alert the admins', async () => {
      await events.emit('OnConnectorDeactivated', {
        connector: 'telegrambot',
        line: String(lineId),
        reason: 'connected to another portal',
      });

      const statuses = await get<unknown[]>(`/api/lines/${lineId}/connectors`);
      expect(statuses.body).toEqual([
        expect.objectContaining({
          connector: 'telegrambot',
          lineId,
          error: true,
          errorReason: 'connected to another portal',
          errorAt: expect.any(String),
          data: {},
        }),
      ]);
      const alerts = await get<unknown[]>('/api/alerts');
      expect(alerts.body).toEqual([
        expect.objectContaining({ kind: 'connector_deactivated', connector: 'telegrambot', lineId }),
      ]);
    });

    it('should mark alerts read up to the newest one seen, leaving later ones unread', async () => {
      interface AlertBody {
        id: number;
        readAt: string | null;
      }
      const seen = (await get<AlertBody[]>('/api/alerts')).body;
      expect(seen.length).toBeGreaterThan(0);
      await events.emit('OnConnectorDeactivated', {
        connector: 'viber',
        line: String(lineId),
        reason: 'connected elsewhere, after the admin looked',
      });

      const mark = (upToId: unknown, as = token) =>
        api<{ marked: number }>(portal, 'POST', '/api/alerts/read', { token: as, body: { upToId } });
      const marked = await mark(seen[0].id);
      expect(marked.status).toBe(200);
      expect(marked.body).toEqual({ marked: seen.length });
      const after = (await get<AlertBody[]>('/api/alerts')).body;
      expect(after.map((a) => a.readAt === null)).toEqual([true, ...seen.map(() => false)]);
      expect((await mark(seen[0].id)).body).toEqual({ marked: 0 });

      expect((await mark(0)).status).toBe(400);
      await api(portal, 'POST', '/api/users', {
        token,
        body: { email: 'alert-op@example.test', name: 'Op', password: 'operator-password' },
      });
      const operator = await login(portal, 'alert-op@example.test', 'operator-password');
      expect((await mark(after[0].id, operator)).status).toBe(403);
    });

    it('should answer 404 for an unknown line and 400 for a malformed id', async () => {
      expect((await get('/api/lines/999999/connectors')).status).toBe(404);
      expect((await get('/api/lines/abc/connectors')).status).toBe(400);
    });
  });

  describe('chats and messages', () => {
    let annChatId: number;

    beforeAll(async () => {
      const at = new Date();
      const ann = await db.client.externalUser.create({
        data: {
          key: 'telegrambot|u-ann',
          connector: 'telegrambot',
          externalId: 'u-ann',
          name: 'Ann',
          lastName: 'Smith',
          dataHash: 'h',
          createdAt: at,
          updatedAt: at,
        },
      });
      await storeFile('file-png', 'photo.png', 'image/png', PNG);
      const line = String(lineId);
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({
          line,
          chatId: 'ann',
          messageId: '1',
          userId: ann.id,
          text: 'first',
          chat: { name: 'Ann' },
        }),
      );
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line, chatId: 'bob', messageId: '1', userId: 999, text: 'from bob' }),
      );
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({
          line,
          chatId: 'ann',
          messageId: '2',
          userId: ann.id,
          text: 'see photo',
          fileIds: ['file-png', 'file-gone'],
        }),
      );
      annChatId = (await get<ChatBody[]>(`/api/chats?line=${lineId}`)).body[0].id;
    });

    it('should list chats newest first with customer and last message', async () => {
      const res = await get<ChatBody[]>(`/api/chats?line=${lineId}`);
      expect(res.status).toBe(200);
      expect(res.body.map((c) => [c.name, c.customer?.name, c.lastMessage?.text])).toEqual([
        ['Ann', 'Ann Smith', 'see photo'],
        [null, '', 'from bob'],
      ]);
      expect((await get<ChatBody[]>(`/api/chats?line=${lineId}&limit=1&offset=1`)).body).toHaveLength(1);
      expect((await get<ChatBody[]>('/api/chats?line=12345')).body).toEqual([]);
    });

    it('should answer 400 without a line', async () => {
      const res = await get<{ message: string[] }>('/api/chats');
      expect(res.status).toBe(400);
      expect(res.body.message.join(' ')).toContain('line');
    });

    it("should list a chat's messages oldest first with their files", async () => {
      const res = await get<MessageBody[]>(`/api/chats/${annChatId}/messages`);
      expect(res.status).toBe(200);
      expect(res.body.map((m) => m.text)).toEqual(['first', 'see photo']);
      expect(res.body[1].files).toEqual([
        {
          id: 'file-png',
          name: 'photo.png',
          mime: 'image/png',
          size: PNG.length,
          url: '/api/files/file-png',
        },
      ]);

      const older = await get<MessageBody[]>(
        `/api/chats/${annChatId}/messages?before=${res.body[1].id}&limit=5`,
      );
      expect(older.body.map((m) => m.text)).toEqual(['first']);
    });

    it('should show edits, deletions, blocks and renames', async () => {
      const line = String(lineId);
      await events.emit(
        'OnReceivedMessageUpdate',
        receivedMessagePayload({
          line,
          chatId: 'ann',
          messageId: '1',
          type: 'message_update',
          text: 'first (edited)',
        }),
      );
      await events.emit(
        'OnReceivedMessageDel',
        receivedMessagePayload({ line, chatId: 'ann', messageId: '2', type: 'message_del', text: '' }),
      );
      await events.emit('OnNewChatName', {
        connector: 'telegrambot',
        line,
        items: [{ chatId: 'ann', name: 'Ann S.' }],
      });
      await events.emit('OnReceivedStatusBlock', {
        connector: 'telegrambot',
        line,
        items: [{ chatId: 'ann', userId: 'u' }],
      });

      const messages = (await get<MessageBody[]>(`/api/chats/${annChatId}/messages`)).body;
      expect(messages.map((m) => [m.text, m.files.length, m.deletedAt === null])).toEqual([
        ['first (edited)', 0, true],
        ['', 0, false],
      ]);
      const chat = (await get<ChatBody[]>(`/api/chats?line=${lineId}`)).body.find((c) => c.id === annChatId);
      expect(chat).toMatchObject({ name: 'Ann S.', blocked: true, lastMessage: { text: 'first (edited)' } });
    });

    it("should show the channel's reports on operators' messages", async () => {
      const sent = await insertOutgoingMessage(db, { chatId: annChatId, text: 'hello from us' });
      await events.emit('OnReceivedStatusDelivery', {
        connector: 'telegrambot',
        line: String(lineId),
        items: [
          {
            im: { chat_id: String(annChatId), message_id: String(sent.id) },
            message: { id: ['77'] },
            chat: { id: 'ann' },
          },
        ],
      });
      const messages = (await get<MessageBody[]>(`/api/chats/${annChatId}/messages`)).body;
      expect(messages.at(-1)).toMatchObject({ id: sent.id, direction: 'out', status: 'delivered' });
    });

    it('should answer 404 for an unknown chat', async () => {
      expect((await get('/api/chats/999999/messages')).status).toBe(404);
    });

    it('should give hostile text back byte for byte, only as JSON data', async () => {
      const hostile =
        '<script>alert("x")</script><img src=x onerror=alert(1)> [url=javascript:alert(2)]click[/url] ' +
        '<a href="javascript:alert(3)">a</a> \u2028 & ünïcode 😀 </textarea>';
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({
          line: String(lineId),
          chatId: 'mallory',
          messageId: 'x',
          text: hostile,
          chat: { name: hostile },
        }),
      );
      const chats = await get<ChatBody[]>(`/api/chats?line=${lineId}`);
      const chat = chats.body.find((c) => c.name === hostile);
      expect(chat?.lastMessage?.text).toBe(hostile);

      const res = await get<MessageBody[]>(`/api/chats/${chat!.id}/messages`);
      expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.body[0].text).toBe(hostile);
      expect(res.text).toContain(JSON.stringify(hostile));
    });
  });

  describe('GET /api/files/:id', () => {
    beforeAll(async () => {
      await storeFile('file-html', 'page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
      await storeFile('file-svg', 'logo.svg', 'image/svg+xml', Buffer.from('<svg onload="alert(1)"/>'));
      await storeFile('file-pdf', 'Отчёт "Q1".pdf', 'application/pdf', Buffer.from('%PDF-1.4'));
      // Files are served through the messages that carry them (test/e2e/api-line-scope).
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({
          line: String(lineId),
          chatId: 'files',
          messageId: 'f1',
          text: 'files',
          fileIds: ['file-png', 'file-html', 'file-svg', 'file-pdf'],
        }),
      );
    });

    const download = (id: string, withToken = true) =>
      fetch(`${portal.url}/api/files/${id}`, {
        headers: withToken ? { authorization: `Bearer ${token}` } : {},
      });

    it('should serve an image inline with its sniffed type', async () => {
      const res = await download('file-png');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-disposition')).toBe('inline; filename=photo.png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    });

    it('should serve HTML and SVG only as attachments', async () => {
      for (const [id, type] of [
        ['file-html', 'text/html'],
        ['file-svg', 'image/svg+xml'],
      ] as const) {
        const res = await download(id);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(type);
        expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        await res.arrayBuffer();
      }
    });

    it('should name a non-ASCII file safely', async () => {
      const res = await download('file-pdf');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="????? \\"Q1\\".pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%22Q1%22.pdf`,
      );
      await res.arrayBuffer();
    });

    it('should answer 401 without a token, 404 for an unknown file and 400 for a malformed id', async () => {
      expect((await download('file-png', false)).status).toBe(401);
      expect((await download('no-such-file')).status).toBe(404);
      expect((await download('a.b')).status).toBe(400);
    });
  });
});
