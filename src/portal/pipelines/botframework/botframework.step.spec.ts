import { describe, expect, it } from '@jest/globals';
import { isBotframeworkConnector } from '../../botframework/botframework.js';
import type { OlpMessage } from '../../../protocol/index.js';
import { senderDataOf } from './botframework.step.js';

const message = (body: Partial<OlpMessage['message']>): OlpMessage => ({
  type_message: 'message',
  user: { id: 'u' },
  chat: { id: 'c' },
  message: { id: 'm', date: 1, ...body },
});

describe('isBotframeworkConnector', () => {
  it.each([
    ['botframework', true],
    ['botframework.skype', true],
    ['botframework.slack', true],
    ['botframeworkx', false],
    ['telegrambot', false],
    ['skype.botframework', false],
  ])('should classify %s as %s', (connector, expected) => {
    expect(isBotframeworkConnector(connector)).toBe(expected);
  });
});

describe('senderDataOf', () => {
  it('should turn the addressing around for the reply', () => {
    expect(
      senderDataOf(
        message({
          from: { id: 'customer' },
          recipient: { id: 'bot' },
          service_url: 'https://smba.example/',
          conversation: { id: 'conv' },
        }),
      ),
    ).toEqual({
      from: { id: 'bot' },
      recipient: { id: 'customer' },
      service_url: 'https://smba.example/',
      conversation: { id: 'conv' },
    });
  });

  it('should keep only the parts present', () => {
    expect(senderDataOf(message({ service_url: 'https://smba.example/' }))).toEqual({
      service_url: 'https://smba.example/',
    });
  });

  it('should answer null when the message carries none', () => {
    expect(senderDataOf(message({ text: 'hi' }))).toBeNull();
  });
});
