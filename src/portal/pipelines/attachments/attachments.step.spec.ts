import { describe, expect, it } from '@jest/globals';
import type { OlpMessage } from '../../../protocol/index.js';
import type { MessageContext } from '../pipeline.js';
import { AttachmentsStep } from './attachments.step.js';

function context(message: OlpMessage['message']): MessageContext {
  return {
    connector: 'telegrambot',
    line: '1',
    inboxId: 1,
    message: {
      type_message: 'message',
      user: { id: 'u1' },
      chat: { id: 'c1', url: 'https://t.me/c/1' },
      message,
    },
    text: message.text ?? '',
    fileIds: [],
    fileErrors: [],
  };
}

describe(AttachmentsStep.name, () => {
  const step = new AttachmentsStep();

  it('should render attachments into ctx.text', async () => {
    const ctx = context({ id: 'm1', date: 1, text: 'hi', attachments: [{ contact: { name: 'Ada' } }] });
    await step.run(ctx);
    expect(ctx.text).toBe('hi\nContact: Ada');
  });

  it("should make hostile links in the channel's own text inert", async () => {
    const ctx = context({ id: 'm1', date: 1, text: 'win [url=javascript:steal()]here[/url]' });
    await step.run(ctx);
    expect(ctx.text).toBe('win here (javascript:steal())');
  });

  it('should make links injected through attachment fields inert too', async () => {
    const ctx = context({
      id: 'm1',
      date: 1,
      attachments: [{ contact: { name: '[url=javascript:steal()]Support[/url]' } }],
    });
    await step.run(ctx);
    expect(ctx.text).toBe('Contact: Support (javascript:steal())');
  });

  it('should not render chat.url (the open-lines room reads it from the message)', async () => {
    const ctx = context({ id: 'm1', date: 1, text: 'hi' });
    await step.run(ctx);
    expect(ctx.text).toBe('hi');
  });
});
