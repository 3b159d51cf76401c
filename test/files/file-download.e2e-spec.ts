import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { ManualClock } from '../../src/common/clock.js';
import { PortalConfig } from '../../src/portal/config.js';
import { FileDownloader } from '../../src/portal/files/file-downloader.js';
import { FileStore } from '../../src/portal/files/file-store.js';
import { FilesService } from '../../src/portal/files/files.service.js';
import { StoredFilesRepository } from '../../src/portal/files/stored-files.repository.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { generateKeySpec } from '../../src/protocol/index.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { StandInServer } from './stand-in-server.js';

// A complete 1x1 PNG: file-type recognises it by its magic bytes, whatever the server claims.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const MAX_BYTES = 256 * 1024;
// Linux routes all of 127.0.0.0/8 to loopback: 127.0.0.2 stands in for an allowed outside host.
const ALLOWED_HOST = '127.0.0.2';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  try {
    walk(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return out.sort();
}

describe('file download (real HTTP stand-ins)', () => {
  const dir = tempDir();
  let database: TestDatabase;
  let db: DatabaseService;
  let config: PortalConfig;
  let files: FilesService;
  let downloader: FileDownloader;
  let allowed: StandInServer;
  let target: StandInServer;

  beforeAll(async () => {
    database = await createTestDatabase(dir.path);
    config = PortalConfig.fromEnv({
      DATA_DIR: dir.path,
      DATABASE_URL: database.url,
      OLP_KEYS: generateKeySpec('t1'),
      // Only the stand-in for "the internet" is allowed; 127.0.0.1 and ::1 stay forbidden.
      FILE_ALLOW_HOSTS: ALLOWED_HOST,
      FILE_MAX_BYTES: String(MAX_BYTES),
      FILE_ATTEMPTS: '3',
      FILE_CONNECT_TIMEOUT_MS: '300',
      FILE_READ_TIMEOUT_MS: '300',
    });
    db = new DatabaseService(config);
    await db.connect();
    const store = new FileStore(config);
    downloader = new FileDownloader(config, store);
    files = new FilesService(config, downloader, store, new StoredFilesRepository(db), new ManualClock(), 1);
    target = await StandInServer.start('::', { '/secret': (res) => res.end('internal secret') });
    allowed = await StandInServer.start(ALLOWED_HOST);
  });

  afterAll(async () => {
    downloader.onModuleDestroy();
    await allowed.close();
    await target.close();
    await db.onModuleDestroy();
    await database.drop();
    dir.remove();
  });

  beforeEach(() => {
    allowed.seen.length = 0;
    target.seen.length = 0;
  });

  describe('success', () => {
    it('should store the file with a sniffed MIME type and its sha256', async () => {
      allowed.route('/picture', (res) => {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(PNG);
      });
      const result = await files.download({
        url: allowed.url('/picture'),
        name: 'photo',
        type: 'text/plain',
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.file).toMatchObject({ name: 'photo', mime: 'image/png', size: PNG.length });
      expect(result.file.sha256).toMatch(/^[0-9a-f]{64}$/);
      const opened = await files.open(result.file.id);
      const chunks: Buffer[] = [];
      for await (const c of opened!.stream) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(PNG)).toBe(true);
    });

    it('should keep identical content once on disk with one record per download', async () => {
      allowed.route('/same-a', (res) => res.end('same bytes'));
      allowed.route('/same-b', (res) => res.end('same bytes'));
      const a = await files.download({ url: allowed.url('/same-a'), name: 'a.txt' });
      const b = await files.download({ url: allowed.url('/same-b'), name: 'b.txt' });
      expect(a.ok && b.ok).toBe(true);
      if (!a.ok || !b.ok) return;
      expect(a.file.id).not.toBe(b.file.id);
      expect(a.file.sha256).toBe(b.file.sha256);
      const onDisk = listFiles(config.files.dir).filter((p) => p.endsWith(a.file.sha256));
      expect(onDisk).toHaveLength(1);
      expect(listFiles(join(config.files.dir, '.tmp'))).toEqual([]);
    });

    it('should fall back to the declared type, then to application/octet-stream', async () => {
      allowed.route('/plain', (res) => res.end('no magic bytes here'));
      const declared = await files.download({
        url: allowed.url('/plain'),
        type: 'text/plain; charset=utf-8',
      });
      const unknown = await files.download({ url: allowed.url('/plain') });
      expect(declared.ok && declared.file.mime).toBe('text/plain');
      expect(unknown.ok && unknown.file).toMatchObject({ mime: 'application/octet-stream', name: 'plain' });
    });

    it("should send the file's own headers", async () => {
      allowed.route('/private', (res, seen) => {
        res.statusCode = seen.headers.authorization === 'Bearer channel-token' ? 200 : 401;
        res.end('ok');
      });
      const result = await files.download({
        url: allowed.url('/private'),
        headers: [
          { name: 'Authorization', value: 'Bearer channel-token' },
          { name: 'X-Channel', value: 'telegram' },
        ],
      });
      expect(result.ok).toBe(true);
      expect(allowed.seen[0]?.headers).toMatchObject({
        authorization: 'Bearer channel-token',
        'x-channel': 'telegram',
      });
    });

    it('should refuse headers that could split the request, sending nothing', async () => {
      for (const headers of [
        [{ name: 'X-A', value: 'a\r\nX-Injected: 1' }],
        [{ name: 'Bad Name', value: 'v' }],
      ]) {
        const result = await files.download({ url: allowed.url('/private'), headers });
        expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'invalid_header' } });
      }
      expect(allowed.seen).toEqual([]);
    });

    it('should follow redirects between allowed addresses', async () => {
      allowed.route('/hop1', (res) => res.writeHead(302, { location: '/hop2' }).end());
      allowed.route('/hop2', (res) => res.writeHead(301, { location: allowed.url('/picture') }).end());
      const result = await files.download({ url: allowed.url('/hop1') });
      expect(result.ok && result.file.mime).toBe('image/png');
      expect(allowed.seen.map((s) => s.path)).toEqual(['/hop1', '/hop2', '/picture']);
    });
  });

  describe('SSRF', () => {
    const spellings = (port: number) => [
      `http://127.0.0.1:${port}/secret`,
      `http://localhost:${port}/secret`,
      `http://2130706433:${port}/secret`,
      `http://0x7f000001:${port}/secret`,
      `http://[::ffff:127.0.0.1]:${port}/secret`,
      `http://[::1]:${port}/secret`,
    ];

    it('should have a target that every spelling reaches without the filter', async () => {
      for (const url of spellings(target.portNumber)) {
        const res = await axios.get<string>(url, { proxy: false });
        expect(res.data).toBe('internal secret');
      }
      expect(target.seen).toHaveLength(spellings(0).length);
    });

    it('should refuse every spelling of loopback before any request is sent', async () => {
      for (const url of spellings(target.portNumber)) {
        const result = await files.download({ url });
        expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'blocked' } });
      }
      expect(target.seen).toEqual([]);
    });

    it('should refuse a redirect from an allowed host to loopback', async () => {
      allowed.route('/to-loopback', (res) =>
        res.writeHead(302, { location: `http://127.0.0.1:${target.portNumber}/secret` }).end(),
      );
      allowed.route('/to-localhost', (res) =>
        res.writeHead(307, { location: `http://localhost:${target.portNumber}/secret` }).end(),
      );
      for (const path of ['/to-loopback', '/to-localhost']) {
        const result = await files.download({ url: allowed.url(path) });
        expect(result).toMatchObject({ ok: false, error: { kind: 'blocked' } });
      }
      expect(allowed.seen.map((s) => s.path)).toEqual(['/to-loopback', '/to-localhost']);
      expect(target.seen).toEqual([]);
    });

    it('should refuse link-local metadata and private addresses without waiting for them', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://0.0.0.0/']) {
        const result = await files.download({ url });
        expect(result).toMatchObject({ ok: false, error: { kind: 'blocked' } });
      }
    });

    it('should refuse schemes other than http and https', async () => {
      const result = await files.download({ url: 'file:///etc/passwd' });
      expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'invalid_url' } });
    });

    it('should stop after 5 redirects', async () => {
      for (let i = 0; i < 7; i++) {
        allowed.route(`/loop${i}`, (res) => res.writeHead(302, { location: `/loop${i + 1}` }).end());
      }
      const result = await files.download({ url: allowed.url('/loop0') });
      expect(result).toMatchObject({ ok: false, error: { kind: 'too_many_redirects' } });
      expect(allowed.seen).toHaveLength(6);
    });
  });

  describe('size cap', () => {
    it('should abort a stream that grows past the cap and keep nothing', async () => {
      const total = 64 * MAX_BYTES;
      const chunk = Buffer.alloc(16 * 1024, 7);
      let sent = 0;
      let finished = false;
      let closed!: Promise<unknown>;
      allowed.route('/endless', async (res) => {
        closed = once(res, 'close');
        res.setHeader('content-type', 'application/octet-stream');
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        if (!res.destroyed) {
          finished = true;
          res.end();
        }
      });
      const before = listFiles(config.files.dir);
      const rows = await db.client.storedFile.count();

      const result = await files.download({ url: allowed.url('/endless') });

      expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'too_large' } });
      await closed;
      expect(finished).toBe(false);
      expect(sent).toBeLessThan(total);
      expect(listFiles(config.files.dir)).toEqual(before);
      expect(await db.client.storedFile.count()).toBe(rows);
    });

    it('should refuse an announced Content-Length over the cap without reading it', async () => {
      allowed.route('/announced', (res) => {
        res.setHeader('content-length', String(MAX_BYTES * 4));
        res.write(Buffer.alloc(1024));
      });
      const result = await files.download({ url: allowed.url('/announced') });
      expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: 'too_large' } });
    });
  });

  describe('retries', () => {
    it('should retry a server fault and give up after the configured attempts', async () => {
      allowed.route('/down', (res) => res.writeHead(503).end());
      const result = await files.download({ url: allowed.url('/down') });
      expect(result).toMatchObject({
        ok: false,
        attempts: 3,
        error: { kind: 'http_status', retryable: true },
      });
      expect(allowed.seen.map((s) => s.path)).toEqual(['/down', '/down', '/down']);
    });

    it('should succeed when a later attempt works', async () => {
      let calls = 0;
      allowed.route('/flaky', (res) => {
        calls += 1;
        if (calls === 1) res.writeHead(500).end();
        else res.end(PNG);
      });
      const result = await files.download({ url: allowed.url('/flaky') });
      expect(result.ok).toBe(true);
      expect(calls).toBe(2);
    });

    it('should not retry what cannot change (404)', async () => {
      const result = await files.download({ url: allowed.url('/missing') });
      expect(result).toMatchObject({
        ok: false,
        attempts: 1,
        error: { kind: 'http_status', retryable: false },
      });
    });

    it('should time out a server that never answers and retry it', async () => {
      allowed.route('/silent', () => undefined);
      const result = await files.download({ url: allowed.url('/silent') });
      expect(result).toMatchObject({ ok: false, attempts: 3, error: { kind: 'timeout', retryable: true } });
      expect(allowed.seen).toHaveLength(3);
    });

    it('should time out a stalled transfer and retry it', async () => {
      allowed.route('/stall', (res) => {
        res.write('a few bytes, then nothing');
      });
      const result = await files.download({ url: allowed.url('/stall') });
      expect(result).toMatchObject({ ok: false, attempts: 3, error: { kind: 'timeout' } });
      expect(listFiles(join(config.files.dir, '.tmp'))).toEqual([]);
    });
  });

  describe('open', () => {
    it('should answer null for an unknown id', async () => {
      expect(await files.open('00000000-0000-4000-8000-000000000000')).toBeNull();
    });
  });
});
