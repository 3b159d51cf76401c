import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { OUTGOING_PROCESSORS, type OutgoingProcessor } from './outgoing-processor.js';
import { OutgoingProcessorRegistry } from './outgoing-processor.registry.js';

class PrefixProcessor implements OutgoingProcessor {
  constructor(readonly prefix: string) {}
  matches(connector: string): boolean {
    return connector.startsWith(this.prefix);
  }
  async process(_ctx: unknown, items: unknown[]): Promise<unknown[]> {
    return items;
  }
}

@Injectable()
class BotframeworkProcessor extends PrefixProcessor {
  constructor() {
    super('botframework');
  }
}

@Module({
  providers: [BotframeworkProcessor, { provide: OUTGOING_PROCESSORS, useExisting: BotframeworkProcessor }],
})
class BotframeworkModule {}

@Module({
  providers: [
    {
      provide: OUTGOING_PROCESSORS,
      useFactory: () => [new PrefixProcessor('bot'), new PrefixProcessor('tele')],
    },
  ],
})
class OtherModule {}

async function registryWith(...imports: (typeof BotframeworkModule)[]): Promise<OutgoingProcessorRegistry> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule, ...imports],
    providers: [OutgoingProcessorRegistry, { provide: OUTGOING_PROCESSORS, useValue: [] }],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(OutgoingProcessorRegistry);
}

describe(OutgoingProcessorRegistry.name, () => {
  describe('for', () => {
    it('should collect the processors every module provides under OUTGOING_PROCESSORS', async () => {
      const registry = await registryWith(BotframeworkModule, OtherModule);

      const forBotframework = registry.for('botframework.skype') as PrefixProcessor[];

      expect(forBotframework.map((p) => p.prefix).sort()).toEqual(['bot', 'botframework']);
      expect((registry.for('telegrambot') as PrefixProcessor[]).map((p) => p.prefix)).toEqual(['tele']);
      expect(registry.for('vkgroup')).toEqual([]);
    });

    it('should have none with only the empty default', async () => {
      const registry = await registryWith();

      expect(registry.for('botframework.skype')).toEqual([]);
    });
  });
});
