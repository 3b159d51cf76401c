import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testProvider } from '../support/database.js';
import { startPortal, type TestPortal } from '../support/portal.js';

describe('GET /health', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(async () => {
    await portal.close();
  });

  it('should report the database as reachable', async () => {
    const res = await fetch(`${portal.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: testProvider });
  });

  it('should serve the OpenAPI document', async () => {
    const res = await fetch(`${portal.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/health');
  });
});
