import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/server/cli/run-cli.js';
import { startFixture, type Fixture } from './support/fixture.js';

describe('command line', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { env: f.server.env, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  describe('portal', () => {
    it('should add a portal with a generated key shown once, and list it without secrets', async () => {
      const added = await cli('portal', 'add', 'portal-b', 'https://b.example.com/');
      expect(added.code).toBe(0);
      const spec = /OLP_KEYS for the portal \(shown once\): (\S+)/.exec(added.out)![1];
      const [kid, secret] = spec.split(':');

      const list = await cli('portal', 'list');
      expect(list.code).toBe(0);
      expect(list.out).toContain(`portal-b\thttps://b.example.com\tkeys: ${kid}`);
      expect(list.out).not.toContain(secret);
      const json = JSON.parse((await cli('portal', 'list', '--json')).out) as { id: string }[];
      expect(json.map((p) => p.id)).toEqual(['portal-a', 'portal-b']);
    });

    it('should refuse a taken id and a base URL that is not http(s)', async () => {
      expect(await cli('portal', 'add', 'portal-a', 'https://a.example.com')).toMatchObject({
        code: 1,
        err: 'portal "portal-a" is already registered',
      });
      expect(await cli('portal', 'add', 'portal-c', 'ftp://c.example.com')).toMatchObject({
        code: 1,
        err: 'the base URL must be an http:// or https:// address',
      });
    });

    it('should rotate keys in two steps', async () => {
      const added = await cli('portal', 'rotate-keys', 'portal-a');
      expect(added.code).toBe(0);
      expect(added.out).toMatch(/set on the portal: OLP_KEYS=k\w+:[\w-]+,portal-a-k1:/);
      const kids = (await f.server.registry.list())[0].kids;
      expect(kids).toHaveLength(2);
      expect(kids[0]).toBe('portal-a-k1');

      expect((await cli('portal', 'rotate-keys', 'portal-a', '--retire-old')).code).toBe(0);
      expect((await f.server.registry.list())[0].kids).toEqual([kids[1]]);
    });

    it('should refuse to remove a portal with queued items unless forced', async () => {
      await f.server.db.queueItem.create({
        data: { lineRef: f.line.id, command: 'receivingMessage', payload: '{}', createdAt: new Date() },
      });
      expect(await cli('portal', 'remove', 'portal-a')).toMatchObject({
        code: 1,
        err: expect.stringContaining('1 queued item'),
      });
      expect(await cli('portal', 'remove', 'portal-a', '--force')).toMatchObject({ code: 0 });
      expect(await f.server.db.portal.count()).toBe(0);
      expect(await f.server.db.line.count()).toBe(0);
      expect(await f.server.db.queueItem.count()).toBe(0);
    });
  });

  describe('deadletter', () => {
    const letter = (lineId: string, messageId: string) => ({
      portalId: 'portal-a',
      connector: 'test',
      lineId,
      command: 'receivingMessage',
      chatId: 'c1',
      messageId,
      payload: JSON.stringify({ message: { id: messageId } }),
      reason: 'not delivered after 11 attempts',
      queuedAt: new Date(0),
      failedAt: f.server.clock.now(),
    });

    it('should list dead letters and replay them onto their line, keeping those whose line is gone', async () => {
      await f.server.db.deadLetter.createMany({
        data: [letter('1', 'm1'), letter('1', 'm2'), letter('9', 'm3')],
      });

      const list = await cli('deadletter', 'list', '--line', '1');
      expect(list.out.split('\n')).toEqual([
        expect.stringMatching(
          /^#\d+\t.*\tportal-a\/test\/1\treceivingMessage chat c1 message m1\tnot delivered/,
        ),
        expect.stringMatching(/message m2/),
      ]);

      expect((await cli('deadletter', 'replay')).code).toBe(2);
      expect((await cli('deadletter', 'replay', '--all', '--line', '1')).code).toBe(2);
      const replay = await cli('deadletter', 'replay', '--portal', 'portal-a');
      expect(replay).toMatchObject({ code: 0 });
      expect(replay.out).toBe(
        'replayed 2 dead letter(s)\nkept the letters of portal-a/test/9: that line no longer exists',
      );
      const queued = await f.server.db.queueItem.findMany({ orderBy: { id: 'asc' } });
      expect(queued.map((q) => q.messageId)).toEqual(['m1', 'm2']);
      expect(await f.server.db.deadLetter.count()).toBe(1);
    });
  });

  it('should explain its usage for an unknown command', async () => {
    const res = await cli('portal', 'launch');
    expect(res.code).toBe(2);
    expect(res.err).toContain('unknown command "portal launch"');
    expect(res.err).toContain('Usage:');
  });
});
