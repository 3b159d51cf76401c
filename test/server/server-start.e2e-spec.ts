import { describe, expect, it } from '@jest/globals';
import { generateKeySpec } from '../../src/protocol/index.js';
import { startFixture } from './support/fixture.js';
import { startServer } from './support/server.js';

describe('connector server start', () => {
  it('should run its workers by itself when WORKERS is on, delivering a webhook to the portal', async () => {
    const f = await startFixture({ env: { WORKERS: 'true', WORKER_POLL: '50ms' } });
    try {
      const res = await fetch(`${f.server.url}/hook?h=${encodeURIComponent(f.line.hash)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-secret': 'secret' },
        body: JSON.stringify({ messages: [{ chat: 'c1', user: 'u1', id: '7', text: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      await f.portal.waitForPackets(1);
      expect(f.portal.messageIds()).toEqual(['7']);
    } finally {
      await f.close();
    }
  });

  it('should register the configured portal when the registry is empty, once', async () => {
    const keySpec = generateKeySpec('dev1');
    const env = {
      DEFAULT_PORTAL: 'true',
      PORTAL_ID: 'local',
      PORTAL_URL: 'http://127.0.0.1:3000/',
      OLP_KEYS: keySpec,
    };
    const first = await startServer({ env });
    try {
      expect(await first.registry.list()).toEqual([
        expect.objectContaining({ id: 'local', baseUrl: 'http://127.0.0.1:3000', kids: ['dev1'] }),
      ]);
      await first.stop();
      const again = await startServer({ reuse: first });
      try {
        expect(await again.db.portal.count()).toBe(1);
      } finally {
        await again.stop();
      }
    } finally {
      await first.removeData();
    }
  });

  it('should answer its health check', async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/health`);
      expect(await res.json()).toEqual({
        status: 'ok',
        database: server.config.databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql',
      });
    } finally {
      await server.close();
    }
  });
});
