import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Clock, ManualClock } from '../../src/common/clock.js';
import { BotframeworkOutgoingProcessor } from '../../src/portal/botframework/botframework-outgoing.processor.js';
import { PortalConfig } from '../../src/portal/config.js';
import { BIG_FILE_WARNING } from '../../src/portal/pipelines/file-download/file-download.step.js';
import type { MessageContext } from '../../src/portal/pipelines/pipeline.js';
import { PipelineRunner } from '../../src/portal/pipelines/pipeline-runner.js';
import { PipelinesModule } from '../../src/portal/pipelines/pipelines.module.js';
import { ExternalUsersRepository } from '../../src/portal/pipelines/user-sync/external-users.repository.js';
import { DatabaseService } from '../../src/portal/storage/database.service.js';
import { StorageModule } from '../../src/portal/storage/storage.module.js';
import { generateKeySpec, type OlpMessage } from '../../src/protocol/index.js';
import { createTestDatabase, tempDir, type TestDatabase } from '../support/database.js';
import { StandInServer } from '../files/stand-in-server.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const CHANNEL_HOST = '127.0.0.2';

let counter = 0;
function context(connector: string, message: Partial<OlpMessage> & Pick<OlpMessage, 'user'>): MessageContext {
  counter += 1;
  const full: OlpMessage = {
    type_message: 'message',
    chat: { id: 'chat-1' },
    message: { id: `m${counter}`, date: 1_767_225_600 },
    ...message,
  };
  return {
    connector,
    line: '1',
    inboxId: counter,
    message: full,
    text: full.message.text ?? '',
    fileIds: [],
    fileErrors: [],
  };
}

describe('receiving pipeline (Nest module, real database, stand-in channel)', () => {
  const dir = tempDir();
  const clock = new ManualClock();
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let runner: PipelineRunner;
  let users: ExternalUsersRepository;
  let db: DatabaseService;
  let channel: StandInServer;

  beforeAll(async () => {
    database = await createTestDatabase(dir.path);
    const config = PortalConfig.fromEnv({
      DATA_DIR: dir.path,
      DATABASE_URL: database.url,
      OLP_KEYS: generateKeySpec('t1'),
      FILE_ALLOW_HOSTS: CHANNEL_HOST,
      FILE_ATTEMPTS: '1',
    });
    @Global()
    @Module({ providers: [{ provide: PortalConfig, useValue: config }], exports: [PortalConfig] })
    class ConfigModule {}
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule, StorageModule, PipelinesModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await moduleRef.init();
    runner = moduleRef.get(PipelineRunner);
    users = moduleRef.get(ExternalUsersRepository);
    db = moduleRef.get(DatabaseService);
    channel = await StandInServer.start(CHANNEL_HOST, {
      '/avatar.png': (res) => res.end(PNG),
      '/photo': (res) => res.end(PNG),
    });
  });

  afterAll(async () => {
    await channel.close();
    await moduleRef.close();
    await database.drop();
    dir.remove();
  });

  beforeEach(() => {
    clock.advance(60_000);
  });

  it('should run the five steps in the issue order', () => {
    expect(runner.stepNames).toEqual(['user-sync', 'attachments', 'file-download', 'emoji', 'botframework']);
  });

  it('should build the whole message: user, attachments, files, emoji, sender data', async () => {
    const ctx = context('botframework.skype', {
      user: { id: 'u-full', name: 'Ada Lovelace', picture: { url: channel.url('/avatar.png') } },
      chat: { id: 'conv-1' },
      message: {
        id: 'm-full',
        date: 1_767_225_600,
        text: 'hi :) see [url=javascript:evil()]this[/url]',
        attachments: [{ contact: { name: 'Bob', phone: '+100' } }],
        files: [
          { url: channel.url('/photo'), name: 'photo.png' },
          { url: channel.url('/gone'), name: 'gone.pdf' },
        ],
        failed_big_file: true,
        from: { id: 'user-acc', name: 'Ada' },
        recipient: { id: 'bot-acc', name: 'Bot' },
        service_url: 'https://smba.trafficmanager.net/emea/',
        conversation: { id: 'conv-1' },
      },
    });

    await runner.run(ctx);

    const user = await users.findById(ctx.userId!);
    expect(user).toMatchObject({ key: 'botframework.skype|u-full', name: 'Ada', lastName: 'Lovelace' });
    expect(user!.avatarFileId).toEqual(expect.any(String));
    expect(ctx.fileIds).toHaveLength(1);
    expect(ctx.fileErrors).toEqual(['gone.pdf: server answered HTTP 404']);
    expect(ctx.text).toBe(
      [
        BIG_FILE_WARNING,
        'hi [icon=1f642 title=:slight_smile:] see this (javascript:evil())',
        'Contact: Bob',
        'Phone: [url=tel:+100]+100[/url]',
        `[i]File "gone.pdf" could not be downloaded (server answered HTTP 404):[/i] [url=${channel.url('/gone')}]${channel.url('/gone')}[/url]`,
      ].join('\n'),
    );
    const sender = await db.client.botframeworkSender.findUnique({
      where: {
        connector_lineId_externalChatId: {
          connector: 'botframework.skype',
          lineId: '1',
          externalChatId: 'conv-1',
        },
      },
    });
    expect(JSON.parse(sender!.data)).toEqual({
      from: { id: 'bot-acc', name: 'Bot' },
      recipient: { id: 'user-acc', name: 'Ada' },
      service_url: 'https://smba.trafficmanager.net/emea/',
      conversation: { id: 'conv-1' },
    });
  });

  describe('user sync', () => {
    it('should not write an unchanged user, and rewrite a changed one', async () => {
      const first = context('telegrambot', { user: { id: 'u-same', name: 'Ann Smith', email: 'a@x.org' } });
      await runner.run(first);
      const created = await users.findById(first.userId!);

      clock.advance(60_000);
      const again = context('telegrambot', { user: { email: 'a@x.org', name: 'Ann Smith', id: 'u-same' } });
      await runner.run(again);
      expect(again.userId).toBe(first.userId);
      expect(await users.findById(first.userId!)).toEqual(created);

      clock.advance(60_000);
      const changed = context('telegrambot', { user: { id: 'u-same', name: 'Ann Jones', email: 'a@x.org' } });
      await runner.run(changed);
      const updated = await users.findById(first.userId!);
      expect(changed.userId).toBe(first.userId);
      expect(updated).toMatchObject({ lastName: 'Jones', createdAt: created!.createdAt });
      expect(updated!.updatedAt.getTime()).toBe(clock.nowMs());
      expect(updated!.dataHash).not.toBe(created!.dataHash);
    });

    it('should keep users of different connectors apart', async () => {
      const a = context('telegrambot', { user: { id: 'same-id' } });
      const b = context('botframework.skype', { user: { id: 'same-id' } });
      await runner.run(a);
      await runner.run(b);
      expect(a.userId).not.toBe(b.userId);
    });

    it('should store the user when the avatar fails, keeping an earlier avatar', async () => {
      const withAvatar = context('vk', {
        user: { id: 'u-av', name: 'Max', picture: { url: channel.url('/avatar.png') } },
      });
      await runner.run(withAvatar);
      const before = await users.findById(withAvatar.userId!);

      const broken = context('vk', {
        user: { id: 'u-av', name: 'Maxim', picture: { url: channel.url('/missing.png') } },
      });
      await runner.run(broken);
      const after = await users.findById(withAvatar.userId!);
      expect(after).toMatchObject({ name: 'Maxim', avatarFileId: before!.avatarFileId });

      const neverHad = context('vk', {
        user: { id: 'u-noav', name: 'Eve', picture: { url: 'http://127.0.0.1:1/a.png' } },
      });
      await runner.run(neverHad);
      expect(await users.findById(neverHad.userId!)).toMatchObject({ name: 'Eve', avatarFileId: null });
    });
  });

  describe('Bot Framework sender data', () => {
    const key = { connector: 'botframework', lineId: '1', externalChatId: 'conv-bf' };
    const bfMessage = (serviceUrl: string, type: OlpMessage['type_message'] = 'message') =>
      context('botframework', {
        type_message: type,
        user: { id: 'u-bf' },
        chat: { id: 'conv-bf' },
        message: {
          id: `bf-${counter}`,
          date: 1,
          text: 'x',
          from: { id: 'user-acc' },
          recipient: { id: 'bot-acc' },
          service_url: serviceUrl,
          conversation: { id: 'conv-bf' },
        },
      });
    const row = () =>
      db.client.botframeworkSender.findUnique({ where: { connector_lineId_externalChatId: key } });

    it('should write the row only when some part of the data changes', async () => {
      await runner.run(bfMessage('https://a.example/'));
      const first = await row();

      clock.advance(60_000);
      await runner.run(bfMessage('https://a.example/'));
      expect(await row()).toEqual(first);

      clock.advance(60_000);
      await runner.run(bfMessage('https://b.example/'));
      const changed = await row();
      expect(JSON.parse(changed!.data)).toMatchObject({ service_url: 'https://b.example/' });
      expect(changed!.updatedAt.getTime()).toBe(clock.nowMs());
    });

    it('should ignore deletions and other connectors', async () => {
      const before = await row();
      await runner.run(bfMessage('https://c.example/', 'message_del'));
      expect(await row()).toEqual(before);

      const other = context('telegrambot', {
        user: { id: 'u-tg' },
        chat: { id: 'conv-tg' },
        message: { id: 'tg', date: 1, from: { id: 'x' }, service_url: 'https://c.example/' },
      });
      await runner.run(other);
      expect(await db.client.botframeworkSender.count({ where: { externalChatId: 'conv-tg' } })).toBe(0);
    });

    it('should mix the stored data back into outgoing messages', async () => {
      const processor = moduleRef.get(BotframeworkOutgoingProcessor);
      expect(processor.matches('botframework')).toBe(true);
      expect(processor.matches('botframework.skype')).toBe(true);
      expect(processor.matches('telegrambot')).toBe(false);

      const items = [
        { im: { chat_id: 1, message_id: 1 }, chat: { id: 'conv-bf' }, message: { text: 'hello' } },
        { im: { chat_id: 2, message_id: 2 }, chat: { id: 'unknown-chat' }, message: { text: 'hi' } },
        {
          im: { chat_id: 1, message_id: 3 },
          chat: { id: 'conv-bf' },
          message: { text: 'own', service_url: 'keep' },
        },
      ];
      const out = await processor.process(
        { connector: 'botframework', line: '1', method: 'sendMessage' },
        items,
      );
      expect(out[0]).toEqual({
        im: { chat_id: 1, message_id: 1 },
        chat: { id: 'conv-bf' },
        message: {
          text: 'hello',
          from: { id: 'bot-acc' },
          recipient: { id: 'user-acc' },
          service_url: 'https://b.example/',
          conversation: { id: 'conv-bf' },
        },
      });
      expect(out[1]).toBe(items[1]);
      expect(out[2]).toMatchObject({
        message: { text: 'own', service_url: 'keep', from: { id: 'bot-acc' } },
      });

      const status = [{ chat: { id: 'conv-bf' }, message: { id: 'x' } }];
      expect(
        await processor.process({ connector: 'botframework', line: '1', method: 'setStatusReading' }, status),
      ).toBe(status);
    });
  });
});
