import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PortalConfig } from '../config.js';
import { OlpHttpClient } from './olp-http.client.js';
import { OUTBOX_POLICY, outboxPolicyFor } from './outbox.policy.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxWorker } from './outbox.worker.js';
import { OUTGOING_PROCESSORS } from './outgoing-processor.js';
import { OutgoingProcessorRegistry } from './outgoing-processor.registry.js';
import { OutputService } from './output.service.js';

/**
 * The Output room: OutputService (the Proxy client), the outbox and its worker, the one OLP HTTP
 * client. Other modules add OutgoingProcessors by providing OUTGOING_PROCESSORS themselves (see
 * OutgoingProcessorRegistry); the empty list here lets the room work without any.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    OutputService,
    OlpHttpClient,
    OutboxRepository,
    OutboxWorker,
    OutgoingProcessorRegistry,
    { provide: OUTGOING_PROCESSORS, useValue: [] },
    { provide: OUTBOX_POLICY, inject: [PortalConfig], useFactory: outboxPolicyFor },
  ],
  exports: [OutputService, OutboxRepository],
})
export class OutputModule {}
