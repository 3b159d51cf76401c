import { describe, expect, it } from '@jest/globals';
import type { Connector, ConnectorDefinition } from './connector.js';
import { ConnectorFactory } from './connector-factory.js';

const definition = (
  id: string,
  virtualChannels: boolean,
  created: (string | null)[] = [],
): ConnectorDefinition => ({
  id,
  virtualChannels,
  create: (channel) => {
    created.push(channel);
    return { channel } as unknown as Connector;
  },
});

describe(ConnectorFactory.name, () => {
  describe('resolve', () => {
    it('should build a real channel and its virtual channels once per id', () => {
      const created: (string | null)[] = [];
      const factory = new ConnectorFactory([definition('botframework', true, created)]);

      expect(factory.resolve('botframework')).toMatchObject({ channel: null });
      expect(factory.resolve('botframework.skype')).toMatchObject({ channel: 'skype' });
      expect(factory.resolve('botframework.skype')?.connector).toBe(
        factory.resolve('botframework.skype')?.connector,
      );
      expect(created).toEqual([null, 'skype']);
    });

    it('should serve no virtual channel of a connector without them', () => {
      const factory = new ConnectorFactory([definition('telegrambot', false)]);
      expect(factory.resolve('telegrambot')).toBeDefined();
      expect(factory.resolve('telegrambot.x')).toBeUndefined();
    });

    it.each(['viber', 'botframework.', 'bot framework', 'a.b.c', ''])('should serve nothing for %j', (id) => {
      expect(new ConnectorFactory([definition('botframework', true)]).resolve(id)).toBeUndefined();
    });
  });

  describe('constructor', () => {
    it('should refuse a definition registered twice, or one whose id has a dot', () => {
      expect(() => new ConnectorFactory([definition('x', false), definition('x', true)])).toThrow(
        /registered twice/,
      );
      expect(() => new ConnectorFactory([definition('x.y', false)])).toThrow(/without a dot/);
    });
  });
});
