import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSse, type SseClient, type SseEvent } from '../../src/bench/sse-client.js';
import { PortalEvents } from '../../src/portal/events/portal-events.js';
import { FileStore } from '../../src/portal/files/file-store.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { receivedMessagePayload } from '../factories/open-lines.factory.js';
import { api, login, testAdmin } from '../support/api-client.js';
import { startPortal, type TestPortal } from '../support/portal.js';

interface SessionBody {
  id: number;
  lineId: number;
  chatId: number;
  status: string;
  operatorId: number | null;
}
interface ChatBody {
  id: number;
  externalChatId: string;
}
interface MessageBody {
  id: number;
  text: string;
  files: { id: string }[];
}

/**
 * Two operators on two lines and an admin: every REST read and write of a chat, message,
 * session or file, and the stream, is limited to the caller's lines (admins see all); what is
 * out of scope answers 404 as if it did not exist.
 */
describe('REST API and stream: each operator sees only their lines', () => {
  let portal: TestPortal;
  let events: PortalEvents;
  let db: DatabaseService;
  let admin: string;
  let opA: string;
  let opB: string;
  let opAId: number;
  let opBId: number;
  let lineA: number;
  let lineB: number;
  /** Line A's chat, its session (assigned to operator A) and the file its customer sent. */
  let chatA: number;
  let sessionA: number;
  const fileA = 'file-on-a';

  const call = <T>(token: string, method: string, path: string, body?: unknown) =>
    api<T>(portal, method, path, { token, body });
  const status = async (token: string, method: string, path: string, body?: unknown) =>
    (await call(token, method, path, body)).status;
  const download = (token: string, id: string) =>
    fetch(`${portal.url}/api/files/${id}`, { headers: { authorization: `Bearer ${token}` } }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
    );

  async function storeFile(id: string): Promise<void> {
    const bytes = Buffer.from(`content of ${id}`);
    const content = await portal.app.get(FileStore, { strict: false }).put(Readable.from([bytes]), 1_000_000);
    await db.client.storedFile.create({
      data: {
        id,
        sha256: content.sha256,
        name: `${id}.txt`,
        mime: 'text/plain',
        size: content.size,
        createdAt: new Date(),
      },
    });
  }

  async function operator(email: string, lineId: number): Promise<{ token: string; id: number }> {
    const user = await call<{ id: number }>(admin, 'POST', '/api/users', {
      email,
      name: email,
      password: 'operator-password',
      role: 'operator',
    });
    expect(user.status).toBe(201);
    expect(
      (await call(admin, 'PUT', `/api/lines/${lineId}/operators`, { userIds: [user.body.id] })).status,
    ).toBe(200);
    const token = await login(portal, email, 'operator-password');
    expect((await call(token, 'PUT', '/api/operators/me/presence', { status: 'online' })).status).toBe(200);
    return { token, id: user.body.id };
  }

  /** A customer writes on the line; returns the chat and its open session. */
  async function customerWrites(
    lineId: number,
    chatId: string,
    fileIds: string[] = [],
  ): Promise<{ chat: number; session: SessionBody }> {
    await events.emit(
      'OnReceivedMessage',
      receivedMessagePayload({ line: String(lineId), chatId, text: `hello from ${chatId}`, fileIds }),
    );
    const chat = (await call<ChatBody[]>(admin, 'GET', `/api/chats?line=${lineId}&limit=200`)).body.find(
      (c) => c.externalChatId === chatId,
    );
    const session = (await call<SessionBody[]>(admin, 'GET', `/api/sessions?lineId=${lineId}`)).body.find(
      (s) => s.chatId === chat?.id,
    );
    return { chat: chat!.id, session: session! };
  }

  beforeAll(async () => {
    portal = await startPortal({ env: { STREAM_POLL_MS: '20' } });
    events = portal.app.get(PortalEvents);
    db = portal.app.get(DatabaseService);
    admin = await login(portal, testAdmin.email, testAdmin.password);
    lineA = (await call<{ id: number }>(admin, 'POST', '/api/lines', { name: 'A' })).body.id;
    lineB = (await call<{ id: number }>(admin, 'POST', '/api/lines', { name: 'B' })).body.id;
    ({ token: opA, id: opAId } = await operator('a@example.test', lineA));
    ({ token: opB, id: opBId } = await operator('b@example.test', lineB));
    await storeFile(fileA);
    const a = await customerWrites(lineA, 'a-1', [fileA]);
    chatA = a.chat;
    sessionA = a.session.id;
    expect(a.session).toMatchObject({ lineId: lineA, status: 'assigned', operatorId: opAId });
  });
  afterAll(async () => {
    await portal?.close();
  });

  describe('reads', () => {
    it("should list a line's chats only to its operators and admins", async () => {
      const ids = async (token: string) =>
        (await call<ChatBody[]>(token, 'GET', `/api/chats?line=${lineA}`)).body.map((c) => c.id);
      expect(await ids(opB)).toEqual([]);
      expect(await ids(opA)).toEqual([chatA]);
      expect(await ids(admin)).toEqual([chatA]);
    });

    it("should answer 404 for another line's chat messages", async () => {
      const path = `/api/chats/${chatA}/messages`;
      expect(await status(opB, 'GET', path)).toBe(404);
      expect(await status(opA, 'GET', path)).toBe(200);
      expect(await status(admin, 'GET', path)).toBe(200);
    });

    it("should answer 404 for another line's session and its history, and list it to no one else", async () => {
      for (const path of [`/api/sessions/${sessionA}`, `/api/sessions/${sessionA}/history`]) {
        expect(await status(opB, 'GET', path)).toBe(404);
        expect(await status(opA, 'GET', path)).toBe(200);
        expect(await status(admin, 'GET', path)).toBe(200);
      }
      const listed = async (token: string, query: string) =>
        (await call<SessionBody[]>(token, 'GET', `/api/sessions${query}`)).body.map((x) => x.id);
      for (const query of ['', `?lineId=${lineA}`]) {
        expect(await listed(opB, query)).not.toContain(sessionA);
        expect(await listed(opA, query)).toContain(sessionA);
        expect(await listed(admin, query)).toContain(sessionA);
      }
      // Lines are no secret (GET /api/lines lists them): another line's queue is refused.
      expect(await status(opB, 'GET', `/api/sessions/queue?lineId=${lineA}`)).toBe(403);
    });

    it('should answer 404 for a file sent on another line', async () => {
      expect(await download(opB, fileA)).toBe(404);
      expect(await download(opA, fileA)).toBe(200);
      expect(await download(admin, fileA)).toBe(200);
    });
  });

  describe('writes', () => {
    it("should answer 404 to actions on another line's session", async () => {
      for (const action of ['accept', 'skip', 'close']) {
        expect(await status(opB, 'POST', `/api/sessions/${sessionA}/${action}`)).toBe(404);
      }
      expect(await status(opB, 'POST', `/api/sessions/${sessionA}/transfer`, { toLineId: lineB })).toBe(404);
      expect(await status(opB, 'POST', `/api/sessions/${sessionA}/transfer`, { toOperatorId: opBId })).toBe(
        404,
      );
      expect(await status(opA, 'POST', `/api/sessions/${sessionA}/accept`)).toBe(200);
      const after = await call<SessionBody>(admin, 'GET', `/api/sessions/${sessionA}`);
      expect(after.body).toMatchObject({ lineId: lineA, status: 'assigned', operatorId: opAId });
    });

    it("should answer 404 to a reply or read mark in another line's chat", async () => {
      const reply = (token: string) => status(token, 'POST', `/api/chats/${chatA}/replies`, { text: 'hi' });
      expect(await reply(opB)).toBe(404);
      expect(await reply(opA)).toBe(201);
      expect(await reply(admin)).toBe(201);
      expect(await status(opB, 'POST', `/api/chats/${chatA}/read`)).toBe(404);
      expect(await status(opA, 'POST', `/api/chats/${chatA}/read`)).toBe(200);
      expect(await status(admin, 'POST', `/api/chats/${chatA}/read`)).toBe(200);
    });

    it("should answer 404 to an edit, resend or delete of another line's message", async () => {
      const sent = await call<MessageBody>(opA, 'POST', `/api/chats/${chatA}/replies`, { text: 'to edit' });
      const path = `/api/messages/${sent.body.id}`;
      expect(await status(opB, 'PATCH', path, { text: 'edited by B' })).toBe(404);
      expect(await status(opB, 'POST', `${path}/resend`)).toBe(404);
      expect(await status(opB, 'DELETE', path)).toBe(404);
      expect(await status(opA, 'PATCH', path, { text: 'edited by A' })).toBe(200);
      expect(await status(admin, 'PATCH', path, { text: 'edited by the admin' })).toBe(200);
      expect(await status(opA, 'DELETE', path)).toBe(200);
    });
  });

  describe('files in replies', () => {
    it("should refuse a reply that carries a file of another line's message, as an unknown file", async () => {
      const { chat: chatB } = await customerWrites(lineB, 'b-files');
      const replies = `/api/chats/${chatB}/replies`;
      const refused = await call<{ message: string }>(opB, 'POST', replies, { fileIds: [fileA] });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toBe(`file ${fileA} does not exist`);
      expect(await status(admin, 'POST', replies, { fileIds: [fileA] })).toBe(201);
      expect(await status(opA, 'POST', `/api/chats/${chatA}/replies`, { fileIds: [fileA] })).toBe(201);
    });
  });

  describe('files of deleted messages', () => {
    it("should answer 404 for everyone for a file of a customer's deleted message", async () => {
      const file = 'file-deleted-by-customer';
      await storeFile(file);
      await events.emit(
        'OnReceivedMessage',
        receivedMessagePayload({ line: String(lineA), chatId: 'a-1', messageId: 'gone', fileIds: [file] }),
      );
      expect(await download(opA, file)).toBe(200);
      await events.emit(
        'OnReceivedMessageDel',
        receivedMessagePayload({
          line: String(lineA),
          chatId: 'a-1',
          messageId: 'gone',
          type: 'message_del',
        }),
      );
      expect(await download(opA, file)).toBe(404);
      expect(await download(admin, file)).toBe(404);
      expect(await status(admin, 'POST', `/api/chats/${chatA}/replies`, { fileIds: [file] })).toBe(400);
    });

    it("should answer 404 for everyone for a file of an operator's deleted message", async () => {
      const upload = await fetch(`${portal.url}/api/uploads?name=note.txt&type=text/plain`, {
        method: 'POST',
        headers: { authorization: `Bearer ${opA}`, 'content-type': 'application/octet-stream' },
        body: Buffer.from('a note'),
      });
      expect(upload.status).toBe(201);
      const { id: file } = (await upload.json()) as { id: string };
      const sent = await call<MessageBody>(opA, 'POST', `/api/chats/${chatA}/replies`, { fileIds: [file] });
      expect(sent.status).toBe(201);
      expect(await download(opB, file)).toBe(404);
      expect(await download(opA, file)).toBe(200);
      expect(await status(opA, 'DELETE', `/api/messages/${sent.body.id}`)).toBe(200);
      expect(await download(opA, file)).toBe(404);
      expect(await download(admin, file)).toBe(404);
    });
  });

  describe('a session moved to another line', () => {
    it('should let the operators of the new line see the session, its chat and its files', async () => {
      const file = 'file-moved';
      await storeFile(file);
      const { chat, session } = await customerWrites(lineA, 'a-moved', [file]);
      expect(await status(opB, 'GET', `/api/chats/${chat}/messages`)).toBe(404);
      const moved = await call<SessionBody>(opA, 'POST', `/api/sessions/${session.id}/transfer`, {
        toLineId: lineB,
      });
      expect(moved.body).toMatchObject({ lineId: lineB, operatorId: opBId });

      const listed = (await call<SessionBody[]>(opB, 'GET', '/api/sessions')).body.map((s) => s.id);
      expect(listed).toContain(session.id);
      expect(await status(opB, 'GET', `/api/sessions/${session.id}/history`)).toBe(200);
      const messages = await call<MessageBody[]>(opB, 'GET', `/api/chats/${chat}/messages`);
      expect(messages.status).toBe(200);
      expect(messages.body.flatMap((m) => m.files.map((f) => f.id))).toEqual([file]);
      expect(await download(opB, file)).toBe(200);
      expect(await status(opB, 'POST', `/api/chats/${chat}/replies`, { text: 'B here' })).toBe(201);
    });
  });

  describe('stream', () => {
    let streams: Record<'admin' | 'opA' | 'opB', SseClient>;

    beforeAll(async () => {
      const open = (token: string) =>
        openSse(`${portal.url}/api/stream`, { authorization: `Bearer ${token}` });
      streams = { admin: await open(admin), opA: await open(opA), opB: await open(opB) };
      for (const s of Object.values(streams)) expect(s.status).toBe(200);
    });
    afterAll(() => {
      for (const s of Object.values(streams ?? {})) s.close();
    });

    const about = (chatId: string) => (e: SseEvent) =>
      e.event === 'message.created' && e.data.includes(`hello from ${chatId}`);

    it("should not send an operator line A's events", async () => {
      await customerWrites(lineA, 'a-stream');
      await customerWrites(lineB, 'b-stream');
      // Events go out in order: once B's own event arrived, A's would have come before it.
      await streams.opB.waitFor(about('b-stream'));
      await streams.opA.waitFor(about('a-stream'));
      await streams.admin.waitFor(about('a-stream'));
      await streams.admin.waitFor(about('b-stream'));
      const lineOf = (e: SseEvent) => (JSON.parse(e.data) as { lineId: string | null }).lineId;
      expect(streams.opB.events.map(lineOf).filter((l) => l !== String(lineB))).toEqual([]);
      expect(streams.opA.events.map(lineOf).filter((l) => l !== String(lineA))).toEqual([]);
      expect(new Set(streams.admin.events.map(lineOf))).toEqual(new Set([String(lineA), String(lineB)]));
    });

    it("should follow a change of the lines' operators on a stream already open", async () => {
      const swap = async (lineId: number, userIds: number[]) =>
        expect((await call(admin, 'PUT', `/api/lines/${lineId}/operators`, { userIds })).status).toBe(200);
      await swap(lineA, [opBId]);
      await swap(lineB, [opAId]);
      try {
        await customerWrites(lineA, 'a-after-swap');
        await customerWrites(lineB, 'b-after-swap');
        await streams.opB.waitFor(about('a-after-swap'));
        await streams.opA.waitFor(about('b-after-swap'));
        expect(streams.opB.events.some(about('b-after-swap'))).toBe(false);
        expect(streams.opA.events.some(about('a-after-swap'))).toBe(false);
      } finally {
        await swap(lineA, [opAId]);
        await swap(lineB, [opBId]);
      }
    });
  });
});
