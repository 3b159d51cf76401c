import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { testAdmin } from '../support/api-client.js';
import { launchBrowser } from '../support/browser.js';
import { startPortal, type TestPortal } from '../support/portal.js';

/** A page on another origin that tries to frame the inbox (clickjacking). */
async function startFramingSite(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><iframe id="f" src="${target}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('Portal security headers', () => {
  let portal: TestPortal;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it.each(['/', '/js/app.js', '/styles.css', '/api/chats', '/olp/v1/input'])(
    'should send the headers as headers on %s',
    async (path) => {
      const res = await fetch(`${portal.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );

  it('should relax script and style only for the API docs, which still may not be framed', async () => {
    const res = await fetch(`${portal.url}/api/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('should run the UI under its policy without a single violation', async () => {
    const page = await browser.newPage();
    try {
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      // The browser's own report of each blocked script, style or connection.
      await page.addInitScript({
        content: `window.cspViolations = [];
          document.addEventListener('securitypolicyviolation', (e) =>
            window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
      });
      await page.goto(portal.url);
      await page.fill('input[name=email]', testAdmin.email);
      await page.fill('input[name=password]', testAdmin.password);
      await page.click('button[type=submit]');
      await page.waitForSelector('.chat-list');
      const seen = await page.evaluate('window.cspViolations');
      expect(seen).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('should refuse to be framed by another site', async () => {
    const site = await startFramingSite(portal.url);
    const page = await browser.newPage();
    try {
      await page.goto(site.url);
      const frame = await (await page.waitForSelector('#f')).contentFrame();
      // A refused frame never gets the inbox's document: no sign-in form inside it.
      await page.waitForTimeout(500);
      expect(await frame?.$('input[name=email]')).toBeNull();
    } finally {
      await page.close();
      site.server.close();
    }
  });
});
