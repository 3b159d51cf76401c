import { describe, expect, it } from '@jest/globals';
import { tgCustomer, tgMessage, tgUpdate } from '../../../../test/factories/telegram.factory.js';
import type { FileToLink } from './update-parser.js';
import { updateToItems } from './update-parser.js';

const linked: FileToLink[] = [];
const link = (file: FileToLink) => {
  linked.push(file);
  return `https://server.test/files/telegram/${file.fileId}`;
};
const messageOf = (update: Parameters<typeof updateToItems>[0]) => {
  const [item] = updateToItems(update, link);
  expect(item.command).toBe('receivingMessage');
  return item.item as import('../../../protocol/index.js').OlpMessage;
};

describe('updateToItems', () => {
  it('should carry a text message with its sender and chat', () => {
    expect(messageOf(tgUpdate({ text: 'Hello' }))).toEqual({
      type_message: 'message',
      user: { id: '1111111', name: 'Ada', last_name: 'Lovelace', url: 'https://t.me/ada_l' },
      chat: { id: '1111111', name: 'Ada Lovelace', url: 'https://t.me/ada_l' },
      message: { id: '1365', date: 1_767_225_600, text: 'Hello' },
    });
  });

  it('should carry an edit as message_update dated by the edit', () => {
    const m = messageOf(tgUpdate({ text: 'Hello again' }, { edited: true }));
    expect(m.type_message).toBe('message_update');
    expect(m.message).toMatchObject({ id: '1365', date: 1_767_225_700, text: 'Hello again' });
  });

  it.each(['/start', '/start promo-42', '/start@switchboard_bot'])(
    'should make %j a command_start',
    (text) => {
      expect(messageOf(tgUpdate({ text })).type_message).toBe('command_start');
    },
  );

  it('should not take /started for /start', () => {
    expect(messageOf(tgUpdate({ text: '/started' })).type_message).toBe('message');
  });

  it('should write the entities of a caption and link the largest photo size', () => {
    const m = messageOf(
      tgUpdate({
        text: undefined,
        caption: 'look here',
        caption_entities: [{ type: 'italic', offset: 5, length: 4 }],
        photo: [
          { file_id: 'small', file_unique_id: 'u1', width: 90, height: 51, file_size: 1101 },
          { file_id: 'large', file_unique_id: 'u3', width: 1280, height: 720, file_size: 81_000 },
          { file_id: 'medium', file_unique_id: 'u2', width: 320, height: 180, file_size: 13_000 },
        ],
      }),
    );
    expect(m.message).toMatchObject({
      text: 'look [i]here[/i]',
      files: [
        {
          url: 'https://server.test/files/telegram/large',
          name: 'photo_u3.jpg',
          type: 'image/jpeg',
          size: 81_000,
        },
      ],
    });
  });

  it.each([
    [
      'document',
      {
        document: {
          file_id: 'doc',
          file_unique_id: 'd',
          file_name: 'invoice.pdf',
          mime_type: 'application/pdf',
          file_size: 5000,
        },
      },
      { name: 'invoice.pdf', type: 'application/pdf', size: 5000 },
    ],
    [
      'voice',
      {
        voice: {
          file_id: 'voice',
          file_unique_id: 'v',
          duration: 3,
          mime_type: 'audio/ogg',
          file_size: 7000,
        },
      },
      { name: 'voice_v.ogg', type: 'audio/ogg', size: 7000 },
    ],
    [
      'video',
      {
        video: {
          file_id: 'video',
          file_unique_id: 'vi',
          width: 640,
          height: 360,
          duration: 9,
          mime_type: 'video/mp4',
          file_size: 90_000,
        },
      },
      { name: 'video_vi.mp4', type: 'video/mp4', size: 90_000 },
    ],
    [
      'sticker',
      {
        sticker: {
          file_id: 'st',
          file_unique_id: 's',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: '😀',
          file_size: 20_000,
        },
      },
      { name: 'sticker_s.webp', type: 'image/webp', size: 20_000 },
    ],
  ])('should link the file of a %s', (_kind, fields, file) => {
    const m = messageOf(tgUpdate({ text: undefined, ...fields }));
    expect(m.message.files).toEqual([{ url: expect.stringContaining('/files/telegram'), ...file }]);
  });

  it('should give a sticker its emoji as text', () => {
    const m = messageOf(
      tgUpdate({
        text: undefined,
        sticker: {
          file_id: 'st',
          file_unique_id: 's',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: true,
          is_video: false,
          emoji: '😀',
        },
      }),
    );
    expect(m.message.text).toBe('😀');
    expect(m.message.files?.[0]?.name).toBe('sticker_s.tgs');
  });

  it('should mark a file past 20 MB as failed_big_file and link nothing', () => {
    linked.length = 0;
    const m = messageOf(
      tgUpdate({
        text: undefined,
        document: {
          file_id: 'huge',
          file_unique_id: 'h',
          file_name: 'movie.mkv',
          file_size: 20 * 1024 * 1024 + 1,
        },
      }),
    );
    expect(m.message.failed_big_file).toBe(true);
    expect(m.message.files).toBeUndefined();
    expect(linked).toEqual([]);
  });

  it('should carry a location and a contact as attachments', () => {
    expect(
      messageOf(tgUpdate({ text: undefined, location: { latitude: 52.52, longitude: 13.405 } })).message
        .attachments,
    ).toEqual([{ location: { latitude: 52.52, longitude: 13.405 } }]);
    expect(
      messageOf(
        tgUpdate({
          text: undefined,
          contact: { phone_number: '+4915112345678', first_name: 'Bob', user_id: 42 },
        }),
      ).message.attachments,
    ).toEqual([{ contact: { phone: '+4915112345678', name: 'Bob', user_id: '42' } }]);
  });

  it('should carry where a forwarded message came from', () => {
    const m = messageOf(
      tgUpdate({
        forward_origin: {
          type: 'channel',
          date: 1_767_200_000,
          chat: { id: -1001, type: 'channel', title: 'News', username: 'news' },
          message_id: 77,
        },
      }),
    );
    expect(m.message.attachments).toEqual([
      {
        forward: {
          date: 1_767_200_000,
          chat: { id: '-1001', name: 'News', url: 'https://t.me/news' },
          name: 'News',
          message_id: '77',
        },
      },
    ]);
    const hidden = messageOf(
      tgUpdate({ forward_origin: { type: 'hidden_user', date: 1, sender_user_name: 'Someone' } }),
    );
    expect(hidden.message.attachments).toEqual([{ forward: { date: 1, name: 'Someone' } }]);
  });

  it('should carry the message replied to', () => {
    const m = messageOf(
      tgUpdate({ text: 'yes', reply_to_message: tgMessage({ message_id: 1360, text: '[b]?' }) }),
    );
    expect(m.message.attachments).toEqual([
      {
        reply: {
          id: '1360',
          date: 1_767_225_600,
          user: { id: String(tgCustomer.id), name: 'Ada', last_name: 'Lovelace', url: 'https://t.me/ada_l' },
          text: '[b]?',
        },
      },
    ]);
  });

  it('should report a private chat that stopped the bot as a block', () => {
    expect(
      updateToItems(
        {
          update_id: 1,
          my_chat_member: {
            chat: { id: 1111111, type: 'private', first_name: 'Ada' },
            from: tgCustomer,
            date: 1,
            new_chat_member: { status: 'kicked', user: { id: 5, is_bot: true, first_name: 'Bot' } },
          },
        },
        link,
      ),
    ).toEqual([
      { command: 'receivingStatusBlock', item: { chat: { id: '1111111' }, user: { id: '1111111' } } },
    ]);
  });

  it('should give nothing for an update kind it does not carry', () => {
    expect(updateToItems({ update_id: 2 }, link)).toEqual([]);
  });
});
