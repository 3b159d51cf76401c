import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startOlpPeer, type OlpPeer } from '../../../test/support/olp-peer.js';
import { Clock } from '../../common/clock.js';
import { generateKeySpec } from '../../protocol/index.js';
import { PortalConfig } from '../config.js';
import { OlpHttpClient } from './olp-http.client.js';
import { OutputError } from './output.errors.js';

const keySpec = generateKeySpec('k1');

function clientFor(serverUrl: string, timeouts: { connect?: number; read?: number } = {}): OlpHttpClient {
  const config = PortalConfig.fromEnv({
    DATA_DIR: '/nonexistent/sb-olp-client-unit',
    AUTH_SECRET: 'unit-test-auth-secret-of-32-characters!',
    OLP_KEYS: keySpec,
    PORTAL_ID: 'portal-unit',
    SERVER_ID: 'server-unit',
    CONNECTOR_SERVER_URL: serverUrl,
    OUTPUT_CONNECT_TIMEOUT_MS: String(timeouts.connect ?? 2_000),
    OUTPUT_READ_TIMEOUT_MS: String(timeouts.read ?? 5_000),
  });
  return new OlpHttpClient(config, new Clock());
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const envelope = { command: 'testConnect', connector: 'telegrambot', line: '3', data: [] };

describe(OlpHttpClient.name, () => {
  const clients: OlpHttpClient[] = [];
  const use = (client: OlpHttpClient) => {
    clients.push(client);
    return client;
  };
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  describe('post', () => {
    let peer: OlpPeer;
    beforeAll(async () => {
      peer = await startOlpPeer({ keySpec, serverId: 'server-unit', portalId: 'portal-unit' });
    });
    afterAll(async () => {
      await peer.close();
    });

    it('should sign the call so that the server verifies it, body hash included', async () => {
      const client = use(clientFor(peer.url));
      const data = [{ text: 'Grüße 👋', n: 1 }];

      const answer = await client.post({ ...envelope, command: 'saveSettings', data });

      expect(answer).toEqual({ status: 200, reply: { ok: true, data: {} }, retryAfterMs: undefined });
      const call = await peer.waitFor((c) => c.command === 'saveSettings');
      expect(call).toMatchObject({ connector: 'telegrambot', line: '3', data });
      expect(call.claims).toMatchObject({ iss: 'portal-unit', aud: 'server-unit', cmd: 'saveSettings' });
      expect(peer.rejected).toEqual([]);
    });

    it('should give a fresh token to every call, so none is taken for a replay', async () => {
      const client = use(clientFor(peer.url));

      await client.post(envelope);
      await client.post(envelope);

      expect(peer.rejected).toEqual([]);
    });

    it('should return refusals as answers, with Retry-After', async () => {
      peer.respond(() => ({
        status: 503,
        body: { ok: false, error: [{ code: 'BUSY', message: 'later' }] },
        headers: { 'retry-after': '7' },
      }));
      const client = use(clientFor(peer.url));

      const answer = await client.post(envelope);
      peer.respond(undefined);

      expect(answer).toEqual({
        status: 503,
        reply: { ok: false, error: [{ code: 'BUSY', message: 'later' }] },
        retryAfterMs: 7_000,
      });
    });

    it('should throw TIMEOUT when the server takes the call and never answers', async () => {
      peer.respond(() => ({ hang: true }));
      const client = use(clientFor(peer.url, { connect: 200, read: 200 }));

      const err = await client.post(envelope).catch((e: unknown) => e);
      peer.respond(undefined);

      expect(err).toBeInstanceOf(OutputError);
      expect(err).toMatchObject({ code: 'TIMEOUT', status: undefined });
    });

    it('should throw ABORTED when the caller cancels', async () => {
      peer.respond(() => ({ hang: true }));
      const client = use(clientFor(peer.url));
      const aborter = new AbortController();

      const pending = client.post(envelope, { signal: aborter.signal });
      await peer.waitFor((c) => c.status === -1);
      aborter.abort();
      peer.respond(undefined);

      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    });
  });

  describe('connection failures', () => {
    it('should throw UNREACHABLE when nothing listens', async () => {
      const server = createNetServer();
      const port = await listen(server);
      await new Promise((resolve) => server.close(resolve));
      const client = use(clientFor(`http://127.0.0.1:${port}`));

      await expect(client.post(envelope)).rejects.toMatchObject({ code: 'UNREACHABLE' });
    });

    it('should give up on a connection that is not up within the connect timeout', async () => {
      // Accepts TCP but never speaks TLS: the handshake, part of connecting, never completes.
      const sockets = new Set<Socket>();
      const server = createNetServer((s) => sockets.add(s));
      const port = await listen(server);
      const client = use(clientFor(`https://127.0.0.1:${port}`, { connect: 150, read: 60_000 }));

      const err = await client.post(envelope).catch((e: unknown) => e);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));

      expect(err).toMatchObject({ code: 'UNREACHABLE' });
      expect((err as Error).message).toContain('connect timeout');
    });

    describe('over TLS', () => {
      let dir: string;
      let server: ReturnType<typeof createHttpsServer>;
      let port: number;
      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
        const key = join(dir, 'key.pem');
        const cert = join(dir, 'cert.pem');
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
        server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"data":{}}');
        });
        port = await listen(server);
      });
      afterAll(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        rmSync(dir, { recursive: true, force: true });
      });

      it('should verify the certificate and refuse a self-signed one', async () => {
        const client = use(clientFor(`https://127.0.0.1:${port}`));

        const err = await client.post(envelope).catch((e: unknown) => e);

        expect(err).toMatchObject({ code: 'UNREACHABLE' });
        expect((err as Error).message).toMatch(/self.signed|SELF_SIGNED/i);
      });
    });
  });
});
